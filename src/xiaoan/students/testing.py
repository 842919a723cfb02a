"""Test helpers for the roster (other modules may reuse them): classes and pupils with valid fake numbers."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from xiaoan.orgs.models import Unit

from .grades import class_name
from .identity import id_check_char, id_hash, mobile_hash
from .models import Guardian, Guardianship, Pupil, Relation, SchoolClass

_sequence = itertools.count(1)


def valid_id_number(birth: datetime.date = datetime.date(2016, 3, 7), sequence: int | None = None) -> str:
    first17 = f"411302{birth:%Y%m%d}{(sequence or next(_sequence)) % 1000:03d}"
    return first17 + id_check_char(first17)


def fake_mobile() -> str:
    return f"1700{next(_sequence):07d}"


def make_class(
    unit: Unit, *, grade: int = 3, number: int = 1, school_year: int = 2025, teacher: Any = None
) -> SchoolClass:
    return SchoolClass.objects.system("test fixture").create(
        unit=unit,
        school_year=school_year,
        grade=grade,
        number=number,
        name=class_name(grade, number),
        class_teacher=teacher,
    )


def make_pupil(
    school_class: SchoolClass,
    *,
    name: str = "张小明",
    id_number: str | None = None,
    mobile: str | None = None,
    student_number: str = "",
    **fields: Any,
) -> Pupil:
    id_number = valid_id_number() if id_number is None else id_number
    pupil = Pupil.objects.system("test fixture").create(
        unit=school_class.unit,
        school_class=school_class,
        name=name,
        gender=fields.pop("gender", "M"),
        student_number=student_number,
        id_number=id_number,
        id_number_hash=id_hash(id_number),
        **fields,
    )
    mobile = fake_mobile() if mobile is None else mobile
    guardian = Guardian.objects.system("test fixture").create(
        unit=school_class.unit, name="张建国", mobile=mobile, mobile_hash=mobile_hash(mobile)
    )
    Guardianship.objects.system("test fixture").create(
        pupil=pupil, guardian=guardian, relation=Relation.FATHER, is_primary=True, order=1
    )
    return pupil
