"""Demo data: a year of realistic training sessions — the annual fire training of each demo school, the
county's courses for safety managers and canteen staff, bus-staff training — with a few certificates
running out so the reminders have something to show. Nothing at city scale."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.roles import UnitKind

from .models import StaffCategory, TrainingRecord, TrainingSession

REASON = "seeding demo training"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@transaction.atomic
def seed_demo(*, scale: str, seed: int, today: dt.date | None = None) -> int:
    if scale != "demo":
        return 0
    rng = random.Random(seed * 11 + 3)
    day = today or timezone.localdate()
    units = Unit.objects.system(REASON).filter(is_active=True)
    schools = list(units.filter(kind=UnitKind.SCHOOL).order_by("path"))
    counties = list(units.filter(kind=UnitKind.COUNTY_BUREAU).order_by("path"))
    sessions: list[TrainingSession] = []
    people: list[list[TrainingRecord]] = []

    def add(
        unit: Unit,
        title: str,
        category: str,
        date: dt.date,
        hours: str,
        provider: str,
        fire: bool,
        attendees: list[TrainingRecord],
    ) -> None:
        sessions.append(
            TrainingSession(
                unit=unit,
                title=title,
                category=category,
                date=min(date, day),
                hours=Decimal(hours),
                provider=provider,
                is_fire_training=fire,
            )
        )
        people.append(attendees)

    staff_posts = Membership.objects.system(REASON).filter(is_active=True, unit__kind=UnitKind.SCHOOL)
    accounts: dict[int, list] = {}
    for post in staff_posts.select_related("user"):
        accounts.setdefault(post.unit_id, []).append(post.user)
    for school in schools:
        named = [TrainingRecord(user=user, name=user.display_name) for user in accounts.get(school.pk, [])]
        target = max(len(named), round(school.staff_count * rng.uniform(0.7, 1.0)))
        others = [
            TrainingRecord(name=_name(rng), id_number=f"{rng.randint(1000, 9999)}") for _ in range(target - len(named))
        ]
        date = day - dt.timedelta(days=rng.randint(20, 200))
        add(school, "全员消防安全培训", StaffCategory.ALL_STAFF, date, "2", "辖区消防救援站", True, named + others)
        if school.runs_buses:
            crew = [
                TrainingRecord(
                    name=_name(rng),
                    id_number=str(rng.randint(1000, 9999)),
                    certificate_no=f"XC{rng.randint(100000, 999999)}",
                    certificate_expiry=day + dt.timedelta(days=rng.choice((12, 25, 200, 400))),
                )
                for _ in range(2)
            ]
            add(
                school,
                "校车驾驶人和照管员安全培训",
                StaffCategory.BUS_STAFF,
                day - dt.timedelta(days=300),
                "4",
                "县交通运输局",
                False,
                crew,
            )
    for county in counties:
        managers = [
            TrainingRecord(
                name=_name(rng),
                id_number=str(rng.randint(1000, 9999)),
                certificate_no=f"AQ{rng.randint(100000, 999999)}",
                certificate_expiry=day + dt.timedelta(days=rng.choice((-10, 20, 365, 700))),
            )
            for _ in range(rng.randint(6, 12))
        ]
        add(
            county,
            "学校安全管理人员培训班",
            StaffCategory.SAFETY_MANAGER,
            day - dt.timedelta(days=120),
            "16",
            "南阳市教育局安全稳定科",
            False,
            managers,
        )
        canteen = [
            TrainingRecord(
                name=_name(rng),
                id_number=str(rng.randint(1000, 9999)),
                certificate_no=f"JK{rng.randint(100000, 999999)}",
                certificate_expiry=day + dt.timedelta(days=rng.choice((5, 40, 300))),
            )
            for _ in range(rng.randint(8, 15))
        ]
        add(
            county,
            "食堂从业人员食品安全培训",
            StaffCategory.FOOD_SERVICE,
            day - dt.timedelta(days=200),
            "8",
            "县市场监督管理局",
            False,
            canteen,
        )
    TrainingSession.objects.bulk_create(sessions, batch_size=500)
    records = []
    for session, attendees in zip(sessions, people, strict=True):
        for record in attendees:
            record.session = session
            record.person_key = TrainingRecord.key_for(record.user_id, record.name, record.id_number)
            records.append(record)
    unique = {(r.session.pk, r.person_key): r for r in records}
    TrainingRecord.objects.bulk_create(list(unique.values()), batch_size=1000)
    return len(sessions)
