"""Demo safety assets: extinguishers on every floor, hydrants, emergency lights and exit signs, first-aid kits,
an AED in big schools, rescue equipment by water — with some checks overdue and some extinguishers expired."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind

from .models import AssetKind, AssetStatus, SafetyAsset

REASON = "demo data for every school"
BIG_SCHOOL = 1000  # pupils from which a demo school has an AED
EXTINGUISHER_LIFE_YEARS = 5


def seed_assets(*, scale: str, seed: int) -> int:
    """Demo scale only; the benchmark generator writes its own volume."""
    if scale != "demo":
        return 0
    rng = random.Random(seed + 1)
    today = timezone.localdate()
    with transaction.atomic():
        schools = list(Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL).order_by("path"))
        assets: list[SafetyAsset] = []
        for school in schools:
            assets.extend(_school_assets(school, rng, today))
        SafetyAsset.objects.bulk_create(assets, batch_size=500)
    return len(assets)


def _school_assets(school: Unit, rng: random.Random, today: dt.date) -> list[SafetyAsset]:
    floors = 3 if school.pupils < 600 else 5
    rows: list[tuple[str, str, int, str]] = []
    for floor in range(1, floors + 1):
        rows.append((AssetKind.EXTINGUISHER, f"教学楼{floor}层走廊", 4, "MFZ/ABC4 干粉灭火器"))
        rows.append((AssetKind.EMERGENCY_LIGHT, f"教学楼{floor}层楼梯间", 2, ""))
        rows.append((AssetKind.EXIT_SIGN, f"教学楼{floor}层走廊", 4, ""))
    rows += [
        (AssetKind.EXTINGUISHER, "学生食堂操作间", 4, "MFZ/ABC4 干粉灭火器"),
        (AssetKind.HYDRANT, "教学楼一层东侧", 1, "室内消火栓箱"),
        (AssetKind.HYDRANT, "操场北侧", 1, "室外地上消火栓"),
        (AssetKind.FIRST_AID_KIT, "校医室", 1, ""),
        (AssetKind.ALARM_BUTTON, "学校正门门卫室", 1, "一键式紧急报警装置"),
        (AssetKind.CAMERA, "学校正门", 2, ""),
    ]
    if school.pupils >= BIG_SCHOOL:
        rows.append((AssetKind.AED, "体育馆入口", 1, "自动体外除颤器"))
    if rng.random() < 0.3:
        rows.append((AssetKind.RESCUE, "学校西侧河道护栏旁", 2, "救生圈、救生杆"))
    assets = []
    for kind, location, quantity, name in rows:
        cycle = get_rule(f"assets.check_cycle.{kind}", on=today)
        checked = today - dt.timedelta(days=rng.randint(0, cycle + 20))
        installed = today - dt.timedelta(days=rng.randint(200, 1800))
        expires = None
        if kind == AssetKind.EXTINGUISHER:
            expires = installed.replace(year=installed.year + EXTINGUISHER_LIFE_YEARS, day=min(installed.day, 28))
        status = AssetStatus.FAULTY if rng.random() < 0.03 else AssetStatus.IN_SERVICE
        asset = SafetyAsset(
            unit=school, kind=kind, name=name, location=location, quantity=quantity, installed_on=installed,
            check_cycle_days=cycle, last_checked_on=checked, expires_on=expires, status=status,
        )  # fmt: skip
        asset.schedule_check(today)
        assets.append(asset)
    return assets
