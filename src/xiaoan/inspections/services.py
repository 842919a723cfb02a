"""Writes of the inspections module: templates (versioned on edit after use), plans, inspections, campaigns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.compliance.obligations import request_refresh
from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, unscoped
from xiaoan.core.workflow.engine import Transition, Workflow

from . import links
from .models import (
    Answer,
    AnswerType,
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionState,
    Item,
    Result,
    Section,
    TemplateVersion,
)
from .periods import period_of

WORKFLOW = Workflow(
    [
        Transition(
            "submit",
            frozenset({InspectionState.DRAFT}),
            InspectionState.SUBMITTED,
            gettext_lazy("提交"),
            permission="inspections.inspection.submit",
        )
    ]
)


def _actor_unit(actor: Any) -> Any:
    from xiaoan.orgs.policy import active_membership

    membership = active_membership(actor)
    if membership is None:
        raise InvalidInput(_("您没有有效的任职。 You hold no active post."))
    return membership.unit


# --- templates -------------------------------------------------------------------------------------


@transaction.atomic
def template_create(
    *,
    actor: Any,
    title: str,
    description: str = "",
    hazard_category: str = "other",
    checks_assets: bool = False,
    stages: Iterable[str] = (),
) -> ChecklistTemplate:
    """A new template owned by the actor's unit (published to the units below it), with an empty version 1."""
    ensure_allowed(actor, "inspections.checklisttemplate.create")
    template = ChecklistTemplate(
        owner=_actor_unit(actor),
        title=title.strip(),
        description=description.strip(),
        hazard_category=hazard_category,
        checks_assets=checks_assets,
        stages=list(stages),
        created_by=actor,
    )
    template.full_clean()
    template.save()
    TemplateVersion.objects.create(template=template, number=1)
    ensure_in_scope(actor, template)
    return template


def current_version(template: ChecklistTemplate) -> TemplateVersion:
    return TemplateVersion.objects.get(template=template, number=template.version)


def _editable_version(template: ChecklistTemplate) -> tuple[TemplateVersion, dict[int, Section], dict[int, Item]]:
    """The version an edit goes into: the current one while unused, else a copy published as the next version.

    Returns the version and maps from the ids of the current sections and items to those of the copy, so
    an edit addressed to the current version lands on the same section or item in the new one.
    """
    version = current_version(template)
    with unscoped("whether any school has used this version, across the tree"):
        used = Inspection.objects.filter(version=version).exists()
    sections = {section.pk: section for section in version.sections.all()}
    items = {item.pk: item for item in Item.objects.filter(section__version=version)}
    if not used:
        return version, sections, items
    copy = TemplateVersion.objects.create(template=template, number=version.number + 1)
    section_map: dict[int, Section] = {}
    for old in sections.values():
        section_map[old.pk] = Section.objects.create(
            version=copy, order=old.order, title=old.title, hazard_category=old.hazard_category
        )
    item_map: dict[int, Item] = {}
    for old_item in items.values():
        new_item = Item.objects.get(pk=old_item.pk)
        new_item.pk = None
        new_item.section = section_map[old_item.section_id]
        new_item.save(force_insert=True)
        item_map[old_item.pk] = new_item
    ChecklistTemplate.objects.system("version bump of a template already checked in scope").filter(
        pk=template.pk
    ).update(version=copy.number)
    template.version = copy.number
    return copy, section_map, item_map


def _same_place(version: TemplateVersion, section: Section, template: ChecklistTemplate) -> Section | None:
    """The section at the same position in ``version``, for a section of an earlier version of the template."""
    if section.version.template_id != template.pk:
        return None
    return version.sections.filter(order=section.order).first()


def _ensure_may_edit(actor: Any, template: ChecklistTemplate) -> None:
    if template.owner_id is None:
        raise InvalidInput(_("系统内置模板不能修改，请新建本单位的模板。 System templates cannot be edited."))
    ensure_in_scope(actor, template)
    ensure_allowed(actor, "inspections.checklisttemplate.change", template)


@transaction.atomic
def section_add(*, actor: Any, template: ChecklistTemplate, title: str, hazard_category: str = "") -> Section:
    _ensure_may_edit(actor, template)
    version, _sections, _items = _editable_version(template)
    order = (version.sections.aggregate(top=Max("order"))["top"] or 0) + 1
    section = Section(version=version, order=order, title=title.strip(), hazard_category=hazard_category)
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def item_add(
    *,
    actor: Any,
    template: ChecklistTemplate,
    section: Section,
    text: str,
    answer_type: str = AnswerType.PASS_FAIL,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    unit_label: str = "",
    photo_required_when_failed: bool = False,
    weight: int | None = None,
    hazard_category: str = "",
) -> Item:
    _ensure_may_edit(actor, template)
    version, sections, _items = _editable_version(template)
    target = sections.get(section.pk) or _same_place(version, section, template)
    if target is None:
        raise InvalidInput(_("该分组不属于此模板的当前版本。 The section is not in the current version."))
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidInput(_("下限不能大于上限。 The minimum cannot exceed the maximum."))
    order = (target.items.aggregate(top=Max("order"))["top"] or 0) + 1
    item = Item(
        section=target,
        order=order,
        text=text.strip(),
        answer_type=answer_type,
        minimum=minimum,
        maximum=maximum,
        unit_label=unit_label.strip(),
        photo_required_when_failed=photo_required_when_failed,
        weight=weight,
        hazard_category=hazard_category,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_remove(*, actor: Any, template: ChecklistTemplate, item: Item) -> None:
    _ensure_may_edit(actor, template)
    _version, _sections, items = _editable_version(template)
    target = items.get(item.pk)
    if target is None:
        raise InvalidInput(_("该检查项不属于此模板的当前版本。 The item is not in the current version."))
    target.delete()


# --- plans -----------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    school: Any,
    template: ChecklistTemplate,
    frequency: str,
    assignee_role: str = "",
    assignee: Any = None,
    starts_on: dt.date | None = None,
) -> InspectionPlan:
    if not assignee_role and assignee is None:
        raise InvalidInput(_("请指定负责岗位或负责人。 Assign the plan to a post or a person."))
    plan = InspectionPlan(
        school=school,
        template=template,
        frequency=frequency,
        assignee_role=assignee_role,
        assignee=assignee,
        starts_on=starts_on or timezone.localdate(),
    )
    ensure_in_scope(actor, plan)
    ensure_allowed(actor, "inspections.inspectionplan.create", plan)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_set_active(*, actor: Any, plan: InspectionPlan, is_active: bool) -> InspectionPlan:
    ensure_in_scope(actor, plan)
    ensure_allowed(actor, "inspections.inspectionplan.change", plan)
    plan.is_active = is_active
    plan.save(update_fields=["is_active"])
    return plan


# --- inspections -----------------------------------------------------------------------------------


@transaction.atomic
def inspection_start(
    *,
    actor: Any,
    school: Any,
    template: ChecklistTemplate | None = None,
    plan: InspectionPlan | None = None,
    campaign: Campaign | None = None,
    today: dt.date | None = None,
) -> Inspection:
    """A draft with one empty answer per item of the template's current version.

    For a plan's period or a campaign an existing inspection is returned instead of a second one.
    """
    today = today or timezone.localdate()
    period_key = ""
    if plan is not None:
        template, school = plan.template, plan.school
        period_key = period_of(plan.frequency, today).key
    if campaign is not None:
        template = campaign.template
        if not campaign.covers(school):
            raise InvalidInput(_("该专项整治不包括本校。 This campaign does not cover the school."))
        if today < campaign.starts_on:
            raise InvalidInput(_("专项整治尚未开始。 The campaign has not started yet."))
    if template is None or not getattr(school, "is_school", False):
        raise InvalidInput(_("请选择学校和检查表。 Choose a school and a checklist."))
    probe = Inspection(school=school)
    ensure_in_scope(actor, probe)
    ensure_allowed(actor, "inspections.inspection.create", probe)
    existing = _existing(actor, school=school, plan=plan, campaign=campaign, period_key=period_key)
    if existing is not None:
        return existing
    version = current_version(template)
    inspection = Inspection(
        school=school, version=version, plan=plan, campaign=campaign, period_key=period_key, inspector=actor
    )
    inspection.full_clean()
    inspection.save()
    items = Item.objects.filter(section__version=version)
    Answer.objects.bulk_create([Answer(inspection=inspection, item=item) for item in items])
    return inspection


def _existing(actor: Any, *, school: Any, plan: Any, campaign: Any, period_key: str) -> Inspection | None:
    scoped = Inspection.objects.for_user(actor).filter(school=school)
    if campaign is not None:
        return scoped.filter(campaign=campaign).first()
    if plan is not None:
        return scoped.filter(plan=plan, period_key=period_key).order_by("state", "-pk").first()
    return None


def _ensure_may_fill(actor: Any, inspection: Inspection) -> None:
    ensure_in_scope(actor, inspection)
    ensure_allowed(actor, "inspections.inspection.change", inspection)
    if not inspection.is_draft:
        raise InvalidInput(_("排查记录已提交，不能再修改。 The inspection has been submitted."))


def result_for(item: Item, *, result: str, number: Decimal | None) -> str:
    """The conclusion of an answer: number items fail outside their range, photo/text items pass when given."""
    if item.answer_type == AnswerType.NUMBER:
        if number is None:
            return ""
        too_low = item.minimum is not None and number < item.minimum
        too_high = item.maximum is not None and number > item.maximum
        return Result.FAIL if too_low or too_high else Result.PASS
    if item.answer_type == AnswerType.PASS_FAIL:
        return result if result in Result.values else ""
    return ""


@transaction.atomic
def inspection_save(
    *,
    actor: Any,
    inspection: Inspection,
    answers: Mapping[int, Mapping[str, Any]],
    photos: Mapping[int, Iterable[IO[bytes]]] | None = None,
    asset_results: Mapping[int, Mapping[str, Any]] | None = None,
    note: str | None = None,
) -> Inspection:
    """Store the answers of a draft (by answer id: result, number, text, note, place, make_hazard) and photos."""
    _ensure_may_fill(actor, inspection)
    rows = {answer.pk: answer for answer in inspection.answers.select_related("item")}
    changed: list[Answer] = []
    for answer_id, values in answers.items():
        answer = rows.get(int(answer_id))
        if answer is None:
            raise InvalidInput(_("检查项不属于本次排查。 The item is not part of this inspection."))
        answer.number = values.get("number")
        answer.text = (values.get("text") or "").strip()
        answer.note = (values.get("note") or "").strip()[:300]
        answer.place = (values.get("place") or "").strip()[:100]
        answer.make_hazard = bool(values.get("make_hazard", False))
        answer.result = result_for(answer.item, result=values.get("result") or "", number=answer.number)
        changed.append(answer)
    if changed:
        Answer.objects.system("answers of an inspection checked in scope above").bulk_update(
            changed, ["result", "number", "text", "note", "place", "make_hazard"]
        )
    from xiaoan.core.attachments.services import attachment_add

    for answer_id, uploads in (photos or {}).items():
        answer = rows.get(int(answer_id))
        if answer is None:
            raise InvalidInput(_("检查项不属于本次排查。 The item is not part of this inspection."))
        for upload in uploads:
            attachment_add(actor=actor, owner=answer, upload=upload, description=answer.item.text[:200])
    fields = []
    if asset_results is not None:
        inspection.asset_results = {str(key): dict(value) for key, value in asset_results.items()}
        fields.append("asset_results")
    if note is not None:
        inspection.note = note.strip()
        fields.append("note")
    if fields:
        inspection.save(update_fields=fields)
    return inspection


def _problems(inspection: Inspection, photo_counts: Mapping[int, int]) -> list[str]:
    problems = [
        _("设施器材检查有问题时请写明情况。")
        for result in inspection.asset_results.values()
        if result.get("ok") is False and not str(result.get("note") or "").strip()
    ][:1]
    for answer in inspection.answers.select_related("item"):
        item = answer.item
        photos = photo_counts.get(answer.pk, 0)
        if item.answer_type == AnswerType.PHOTO and not photos:
            problems.append(_("“%(item)s”需要上传照片。") % {"item": item.text})
        elif item.answer_type == AnswerType.TEXT and not answer.text:
            problems.append(_("“%(item)s”还没有填写。") % {"item": item.text})
        elif item.answer_type in (AnswerType.PASS_FAIL, AnswerType.NUMBER) and not answer.result:
            problems.append(_("“%(item)s”还没有填写。") % {"item": item.text})
        elif answer.result == Result.FAIL and item.photo_required_when_failed and not photos:
            problems.append(_("“%(item)s”不合格，须拍照上传。") % {"item": item.text})
    return problems


@transaction.atomic
def inspection_submit(*, actor: Any, inspection: Inspection, now: dt.datetime | None = None) -> Inspection:
    """Check completeness, then submit: failed items marked "生成隐患" become hazards, assets get their checks."""
    _ensure_may_fill(actor, inspection)
    photo_counts = links.photo_counts(inspection)
    problems = _problems(inspection, photo_counts)
    if problems:
        raise InvalidInput(
            _("还不能提交： %(problems)s Not complete yet.") % {"problems": " ".join(str(p) for p in problems)}
        )
    now = now or timezone.now()
    failed = list(inspection.answers.filter(result=Result.FAIL).select_related("item__section"))
    WORKFLOW.fire(inspection, "submit", actor=actor, changes={"submitted_at": now, "failed_count": len(failed)})
    for answer in failed:
        if answer.make_hazard:
            answer.hazard_id = links.report_hazard(actor=actor, inspection=inspection, answer=answer)
            answer.save(update_fields=["hazard_id"])
    if inspection.version.template.checks_assets:
        if inspection.asset_results:
            links.record_asset_checks(actor=actor, inspection=inspection, checked_on=timezone.localdate(now))
        request_refresh("inspections.monthly_fire_check", unit_ids=[inspection.school_id], day=timezone.localdate(now))
    return inspection


# --- campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    title: str,
    topic: str,
    template: ChecklistTemplate,
    starts_on: dt.date,
    ends_on: dt.date,
    stages: Iterable[str] = (),
    requirements: str = "",
) -> Campaign:
    ensure_allowed(actor, "inspections.campaign.create")
    visible = ChecklistTemplate.objects.for_user(actor).filter(pk=template.pk, is_active=True).exists()
    if not visible:
        raise InvalidInput(_("请选择可用的检查表。 Choose an available checklist."))
    if ends_on < starts_on:
        raise InvalidInput(_("截止日期不能早于开始日期。 The end cannot be before the start."))
    campaign = Campaign(
        owner=_actor_unit(actor),
        title=title.strip(),
        topic=topic,
        template=template,
        stages=list(stages),
        starts_on=starts_on,
        ends_on=ends_on,
        requirements=requirements.strip(),
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    ensure_in_scope(actor, campaign)
    return campaign
