"""Inspection plans and inspections: started, filled on a phone, submitted (failed items become hazards)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.compliance.obligations import request_refresh
from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.core.workflow.engine import Transition, Workflow

from .. import links
from ..models import (
    Answer,
    AnswerType,
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionState,
    Item,
    Result,
)
from ..periods import period_of
from .templates import current_version

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
