"""Demo roster: classes, pupils and guardians for the personas' school and three more schools of its county.

Deterministic for a seed. Numbers are fake but well-formed: ID numbers of region 411302 with a valid check
digit, mobile numbers of the 170/171 virtual-operator ranges. City scale adds nothing (benchmarks use COPY).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.roles import Role, UnitKind

from .grades import class_name, final_grade, school_year_of
from .identity import id_check_char, id_hash, mobile_hash
from .models import Guardian, Guardianship, MoveKind, Pupil, PupilMove, Relation, SchoolClass

REASON = "seeding the demo roster"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "子轩浩然梓涵欣怡一诺宇航思远雨桐佳怡俊杰若曦晨阳嘉怡博文诗琪明轩可馨天佑静怡志强雅琪家豪紫涵文博梦瑶睿泽心怡"
ADULT_GIVEN = "建国红梅志刚丽娟海军秀英国强桂兰小东春燕永红晓燕卫东淑珍文华玉兰德明凤英"
PUPILS_PER_CLASS = 30
CLASSES_PER_GRADE = 2
OTHER_SCHOOLS = 3


def _name(rng: random.Random, pool: str) -> str:
    given = rng.choice(range(0, len(pool) - 1, 2))
    return rng.choice(SURNAMES) + (pool[given : given + 2] if rng.random() < 0.7 else pool[given])


def fake_id_number(rng: random.Random, birth: dt.date, male: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"411302{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def _schools() -> list[Unit]:
    post = (
        Membership.objects.system(REASON)
        .filter(user__username="principal", role=Role.LEADER, unit__kind=UnitKind.SCHOOL)
        .select_related("unit")
        .first()
    )
    if post is None:
        return []
    others = (
        Unit.objects.system(REASON)
        .filter(kind=UnitKind.SCHOOL, parent=post.unit.parent, stage__in=["primary", "junior"], is_active=True)
        .exclude(pk=post.unit.pk)
        .order_by("path")[:OTHER_SCHOOLS]
    )
    return [post.unit, *others]


@transaction.atomic
def seed_demo(*, scale: str, seed: int, today: dt.date | None = None) -> int:
    """Returns the number of pupils written; nothing when the roster already has pupils."""
    if scale != "demo" or Pupil.objects.system(REASON).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed * 11 + 4)
    teacher = Membership.objects.system(REASON).filter(user__username="teacher", role=Role.STAFF).first()
    mobiles = iter(range(1700000_0000, 1720000_0000))
    written = 0
    for index, school in enumerate(_schools()):
        per_class = PUPILS_PER_CLASS if index == 0 else PUPILS_PER_CLASS * 2 // 3
        written += _seed_school(rng, school, per_class, today, mobiles, teacher if index == 0 else None)
    return written


def _seed_school(rng, school: Unit, per_class: int, today: dt.date, mobiles, teacher) -> int:
    year = school_year_of(today)
    first = 7 if school.stage == "junior" else 1
    grades = range(first, final_grade(school.stage) + 1)
    pupils: list[Pupil] = []
    guardians: list[tuple[Pupil, list[tuple[Guardian, Relation]]]] = []
    for grade in grades:
        for number in range(1, CLASSES_PER_GRADE + 1):
            school_class = SchoolClass.objects.create(
                unit=school,
                school_year=year,
                grade=grade,
                number=number,
                name=class_name(grade, number),
                class_teacher=teacher.user if teacher and grade == 3 and number == 1 else None,
            )
            for seat in range(1, per_class + 1):
                male = rng.random() < 0.52
                birth = dt.date(year - grade - 6, 9, 1) + dt.timedelta(days=rng.randrange(365))
                id_number = fake_id_number(rng, birth, male) if rng.random() < 0.9 else ""
                pupil = Pupil(
                    unit=school,
                    school_class=school_class,
                    name=_name(rng, GIVEN),
                    gender="M" if male else "F",
                    date_of_birth=birth,
                    student_number=f"{year - grade + 1}{grade:02d}{number:02d}{seat:02d}",
                    id_number=id_number,
                    id_number_hash=id_hash(id_number),
                    enrolled_on=dt.date(year - grade + 1, 9, 1),
                )
                pupils.append(pupil)
                surname = pupil.name[0]
                family = [(Relation.FATHER, surname + ADULT_GIVEN[rng.randrange(0, len(ADULT_GIVEN), 2) :][:2])]
                if rng.random() < 0.6:
                    family.append((Relation.MOTHER, _name(rng, ADULT_GIVEN)))
                entries = []
                for relation, name in family:
                    mobile = f"{next(mobiles)}" if rng.random() < 0.95 else ""
                    entries.append(
                        (Guardian(unit=school, name=name, mobile=mobile, mobile_hash=mobile_hash(mobile)), relation)
                    )
                guardians.append((pupil, entries))
    Pupil.objects.bulk_create(pupils, batch_size=500)
    Guardian.objects.bulk_create([g for _p, entries in guardians for g, _r in entries], batch_size=500)
    Guardianship.objects.bulk_create(
        [
            Guardianship(pupil=pupil, guardian=guardian, relation=relation, is_primary=order == 1, order=order)
            for pupil, entries in guardians
            for order, (guardian, relation) in enumerate(entries, start=1)
        ],
        batch_size=500,
    )
    PupilMove.objects.bulk_create(
        [
            PupilMove(
                pupil=p, to_unit=school, to_class=p.school_class, kind=MoveKind.ENROLMENT, on=p.enrolled_on or today
            )
            for p in pupils
        ],
        batch_size=500,
    )
    return len(pupils)
