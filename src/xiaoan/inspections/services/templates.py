"""Checklist templates: created by a unit, versioned when edited after use."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, unscoped

from ..models import (
    AnswerType,
    ChecklistTemplate,
    Inspection,
    Item,
    Section,
    TemplateVersion,
)
from .base import _actor_unit

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
