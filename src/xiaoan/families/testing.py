"""Test helpers other modules may reuse: a small roster on top of the ``city`` fixture and a published letter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from xiaoan.orgs.models import Unit
from xiaoan.orgs.testing import City
from xiaoan.students.identity import mobile_hash
from xiaoan.students.models import Gender, Guardian, Guardianship, Pupil, SchoolClass

from . import services, tokens
from .models import Letter, LetterState, Receipt
from .publishing import publish
from .workflow import LETTER_WORKFLOW

REASON = "test fixture"


def make_class(school: Unit, name: str, *, grade: int = 3, teacher: Any = None) -> SchoolClass:
    return SchoolClass.objects.create(unit=school, school_year=2026, grade=grade, name=name, class_teacher=teacher)


def make_pupil(school_class: SchoolClass, name: str, guardians: Sequence[tuple[str, str]] = ()) -> Pupil:
    """A pupil with guardians given as (name, mobile); an empty mobile makes a guardian without a phone."""
    pupil = Pupil.objects.create(unit_id=school_class.unit_id, school_class=school_class, name=name, gender=Gender.MALE)
    for order, (guardian_name, mobile) in enumerate(guardians, start=1):
        digest = mobile_hash(mobile)
        guardian = Guardian.objects.system(REASON).filter(unit_id=pupil.unit_id, mobile_hash=digest).first()
        if guardian is None or not digest:
            guardian = Guardian.objects.create(
                unit_id=pupil.unit_id, name=guardian_name, mobile=mobile, mobile_hash=digest
            )
        Guardianship.objects.create(pupil=pupil, guardian=guardian, is_primary=order == 1, order=order)
    return pupil


@dataclass
class Roster:
    class_a: SchoolClass  # school A1, taught by the ``teacher`` persona
    class_a2: SchoolClass  # school A1, another teacher's class
    class_b: SchoolClass  # school B1 (county B)
    pupils: dict[str, Pupil] = field(default_factory=dict)


def build_roster(city: City) -> Roster:
    roster = Roster(
        class_a=make_class(city.school_a1, "三年级（1）班", teacher=city.teacher),
        class_a2=make_class(city.school_a1, "三年级（2）班"),
        class_b=make_class(city.school_b1, "七年级（1）班", grade=7),
    )
    specs = {
        "zhang": (roster.class_a, "张小明", [("张伟", "13800138001"), ("李娜", "13800138002")]),
        "wang": (roster.class_a, "王小红", [("王刚", "13800138003")]),
        "zhao": (roster.class_a, "赵小刚", [("赵大山", "")]),
        "zhang2": (roster.class_a2, "张小亮", [("张伟", "13800138001")]),  # 张小明's brother: one guardian row
        "sun": (roster.class_a2, "孙悦", [("孙立", "13800138005")]),
        "liu": (roster.class_b, "刘晓东", [("刘军", "13900139001")]),
        "chen": (roster.class_b, "陈思思", [("陈华", "13900139002")]),
    }
    for key, (school_class, name, guardians) in specs.items():
        roster.pupils[key] = make_pupil(school_class, name, guardians)
    return roster


def draft_letter(city: City, *, author: str = "city_officer", audience: dict | None = None, **extra: Any) -> Letter:
    fields = {
        "title": "预防溺水致家长的一封信",
        "body": "尊敬的家长：\n\n请**看护好**孩子。\n- 不私自下水游泳\n- 不到陌生水域游泳",
        "deadline": timezone.localdate() + dt.timedelta(days=10),
        "items": ["我已阅读本信", "我会看护好孩子"],
        **extra,
    }
    return services.letter_create(actor=city.people[author], audience=audience, **fields)


def published_letter(city: City, **kwargs: Any) -> Letter:
    """A letter taken through publication synchronously (no SMS queued)."""
    letter = draft_letter(city, **kwargs)
    LETTER_WORKFLOW.fire(letter, "publish", actor=city.people[kwargs.get("author", "city_officer")])
    publish(letter.pk, deliver=False)
    letter.refresh_from_db()
    assert letter.state == LetterState.PUBLISHED
    return letter


def receipt_of(letter: Letter, pupil: Pupil) -> Receipt:
    return Receipt.objects.system(REASON).get(letter=letter, pupil=pupil)


def token_of(letter: Letter, pupil: Pupil, index: int = 0) -> str:
    """The personal token of the pupil's ``index``-th guardian (by guardianship order)."""
    receipt = receipt_of(letter, pupil)
    ties = Guardianship.objects.system(REASON).filter(pupil=pupil).order_by("order", "pk")
    return tokens.make_token(receipt.pk, ties[index].guardian_id)
