"""Demo data: two plans per school and a realistic drill history (most schools drilled last month, a few
did not), then the compliance statuses computed from it."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import Stage, UnitKind

from .models import Drill, DrillKind, EmergencyPlan, PlanKind, PlanVersion

REASON = "demo data for every school"
MISS_SHARE = 0.08
SCENARIOS: dict[str, str] = {
    DrillKind.FIRE: "教学楼二楼化学实验室起火，烟雾蔓延至走廊，全体师生按疏散路线撤离至操场。",
    DrillKind.EARTHQUAKE: "上课期间发生有感地震，师生就地避险后有序疏散至操场。",
    DrillKind.ANTI_VIOLENCE: "可疑人员持械闯入校门，保安与护校队处置，师生就近避险。",
    DrillKind.STAMPEDE: "课间操集合时楼梯口拥堵，按分时错峰方案疏散。",
    DrillKind.BUS: "校车行驶途中发生故障冒烟，照管员组织学生从应急门有序下车。",
}
MONTHLY_KINDS = [DrillKind.FIRE, DrillKind.EARTHQUAKE, DrillKind.ANTI_VIOLENCE, DrillKind.STAMPEDE]


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    starts, day = [], today.replace(day=1)
    for _index in range(count):
        starts.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def _held(unit: Unit, kind: str, day: dt.date, rng: random.Random) -> Drill:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, rng.choice((0, 15, 30)))))
    problems = rng.choice(["", "", "三楼东侧楼梯口疏散拥堵。", "个别班级未按指定路线撤离。"])
    return Drill(
        unit=unit, kind=kind, state=Drill.State.HELD, planned_on=day, scope="全校", scenario=SCENARIOS[kind],
        held_at=at, held_on=day, participants=max(30, unit.pupils + unit.staff_count - rng.randint(0, 30)),
        evacuation_seconds=rng.randint(85, 150), target_seconds=120, problems=problems,
        summary="演练按预案完成，师生熟悉疏散路线。",
    )  # fmt: skip


@transaction.atomic
def seed(*, scale: str, seed: int, today: dt.date | None = None) -> int:
    """Returns the number of drills created; at city scale only the plans are skipped (drills are bulk)."""
    from xiaoan.compliance.services import refresh_all

    today = today or timezone.localdate()
    rng = random.Random(seed)
    schools = list(Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("pk"))
    months = _month_starts(today, 3)
    drills: list[Drill] = []
    for unit in schools:
        missed_last_month = rng.random() < MISS_SHARE
        for start in months:
            is_current, is_last = start == months[-1], start == months[-2]
            if unit.stage == Stage.KINDERGARTEN and start.month % 3 != 2:
                continue  # kindergartens drill once a quarter, in its middle month
            if is_last and missed_last_month:
                continue
            day = start + dt.timedelta(days=rng.randint(3, 20))
            if is_current and day >= today:
                drills.append(Drill(unit=unit, kind=rng.choice(MONTHLY_KINDS), planned_on=day, scope="全校",
                                    scenario=SCENARIOS[DrillKind.FIRE]))  # fmt: skip
                continue
            drills.append(_held(unit, rng.choice(MONTHLY_KINDS), day, rng))
        if unit.runs_buses:
            drills.append(_held(unit, DrillKind.BUS, months[0] + dt.timedelta(days=10), rng))
    Drill.objects.bulk_create(drills, batch_size=500)
    if scale == "demo":
        _seed_plans(schools, today, rng)
    refresh_all(today=today)
    return len(drills)


def _seed_plans(schools: list[Unit], today: dt.date, rng: random.Random) -> None:
    for unit in schools:
        for kind, title in ((PlanKind.FIRE, "消防安全应急预案"), (PlanKind.EARTHQUAKE, "地震应急疏散预案")):
            plan = EmergencyPlan.objects.create(unit=unit, kind=kind, title=f"{unit.short_name or unit.name}{title}")
            revised = today - dt.timedelta(days=rng.randint(30, 420))
            version = PlanVersion.objects.create(
                plan=plan, number=1, revised_on=revised, approved_by="校长", approved_on=revised
            )
            plan.current_version = version
            plan.save(update_fields=["current_version"])
