"""Test helpers for the roster (other modules may reuse them): classes and pupils with valid fake numbers."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
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


def import_roster(city: Any, content: bytes, name: str = "名册.csv") -> Any:
    """Upload ``content`` as school A1's principal and run the import job to its end, as the worker would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoan.core.tabular.services import import_run, import_submit

    job = import_submit(
        actor=city.principal, unit=city.school_a1, spec_name="roster", upload=SimpleUploadedFile(name, content)
    )
    import_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def roster_csv_lines(count: int, *, first: int = 0, classes: int = 40) -> Iterator[str]:
    """A class roster as a school exports it (UTF-8 CSV lines, header first): ``count`` pupils with valid ID
    numbers, two guardians for every other pupil, siblings (every tenth pupil) sharing a mobile number."""
    yield "班级,姓名,性别,学号,身份证号,监护人1姓名,监护人1关系,监护人1手机号,监护人2姓名,监护人2关系,监护人2手机号\n"
    for serial in range(first, first + count):
        birth = datetime.date(2014, 1, 1) + datetime.timedelta(days=serial // 1000 % 3000)
        id_number = valid_id_number(birth, serial % 1000 or 1000)
        family = serial - serial % 10 if serial % 10 == 1 else serial
        grade, number = 1 + serial % 6, 1 + serial // 6 % classes
        line = f"{class_name(grade, number)},学生{serial},{'男' if serial % 2 else '女'},S{serial:08d},{id_number}"
        line += f",家长{family},母亲,139{family:08d}"
        line += f",父亲{family},父亲,137{family:08d}\n" if serial % 2 else ",,,\n"
        yield line
