"""Test helpers other modules may reuse: small templates, plans, filled inspections and photo uploads."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .models import (
    Answer,
    AnswerType,
    ChecklistTemplate,
    Frequency,
    Inspection,
    InspectionPlan,
    Item,
    Result,
    Section,
    TemplateVersion,
)
from .services import inspection_save, inspection_start

REASON = "test fixture"


def system_template(code: str) -> ChecklistTemplate:
    """One of the shipped templates (created by the data migration; reinstalled after a database flush)."""
    from .seeding import install_system_templates

    install_system_templates(ChecklistTemplate, TemplateVersion, Section, Item)
    return ChecklistTemplate.objects.system(REASON).get(code=code)


def make_template(owner: Any = None, title: str = "教室安全检查", items: tuple[str, ...] = ("门窗完好",), **extra: Any):
    """A template with one section of pass/fail items; ``photo_items`` need a photo when failed."""
    photo_items = set(extra.pop("photo_items", ()))
    template = ChecklistTemplate.objects.system(REASON).create(owner=owner, title=title, **extra)
    version = TemplateVersion.objects.create(template=template, number=1)
    section = Section.objects.create(version=version, order=1, title="教室")
    for order, text in enumerate(items, start=1):
        Item.objects.create(section=section, order=order, text=text, photo_required_when_failed=text in photo_items)
    return template


def make_plan(school: Any, template: ChecklistTemplate, frequency: str = Frequency.DAILY, **extra: Any):
    extra.setdefault("assignee_role", "safety_officer")
    extra.setdefault("starts_on", dt.date(2026, 1, 1))
    return InspectionPlan.objects.system(REASON).create(school=school, template=template, frequency=frequency, **extra)


def answers_by_text(inspection: Inspection) -> dict[str, Answer]:
    return {a.item.text: a for a in Answer.objects.system(REASON).filter(inspection=inspection).select_related("item")}


def fill(actor: Any, inspection: Inspection, *, failed: tuple[str, ...] = (), photos: dict[str, Any] | None = None):
    """Answer every item (pass, except ``failed``; numbers at their minimum; text "正常"), with photos by item text."""
    values: dict[int, dict[str, Any]] = {}
    answers = answers_by_text(inspection)
    for text, answer in answers.items():
        item = answer.item
        if item.answer_type == AnswerType.NUMBER:
            values[answer.pk] = {"number": item.minimum if item.minimum is not None else 1}
        elif item.answer_type == AnswerType.TEXT:
            values[answer.pk] = {"text": "正常"}
        else:
            bad = text in failed
            values[answer.pk] = {"result": Result.FAIL if bad else Result.PASS, "note": "损坏" if bad else "",
                                 "make_hazard": True}  # fmt: skip
    uploads = {answers[text].pk: [upload] for text, upload in (photos or {}).items()}
    return inspection_save(actor=actor, inspection=inspection, answers=values, photos=uploads)


def start(actor: Any, school: Any, template: ChecklistTemplate, **extra: Any) -> Inspection:
    return inspection_start(actor=actor, school=school, template=template, **extra)


def photo(name: str = "现场.png") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
