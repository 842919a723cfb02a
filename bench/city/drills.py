"""Emergency plans with their versions, and drills since the first school year up to the months the drills
module's own seeder fills (its last three): a drill in most teaching months (kindergartens every other one),
a school-bus evacuation each semester where buses run, a few cancelled, and follow-ups of the problems found."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from .plans import School, first_day, moment, month_starts, rng_for
from .staff import Posts

TEACHING_MONTHS = frozenset({9, 10, 11, 12, 1, 3, 4, 5, 6})
KINDERGARTEN_MONTHS = frozenset({10, 12, 4, 6})
BUS_MONTHS = frozenset({10, 4})
SEEDER_MONTHS = 3  # the drills seeder writes the current month and the two before it
MISSED_SHARE = 0.06
CANCELLED_SHARE = 0.015
PROBLEMS = ("", "", "三楼东侧楼梯口疏散拥堵。", "个别班级未按指定路线撤离。", "应急广播音量不足，部分教室听不清。")
PLAN_KINDS = (("fire", "消防安全应急预案"), ("earthquake", "地震应急疏散预案"))
DRILL_COLUMNS = ("id", "unit_id", "kind", "state", "planned_on", "scope", "scenario", "held_at", "held_on",
                 "participants", "evacuation_seconds", "target_seconds", "problems", "summary", "created_by_id",
                 "created_at")  # fmt: skip


def drill_months(start: dt.date, today: dt.date, stage: str) -> list[dt.date]:
    """The months before the seeder's window in which a school of this stage drills."""
    months = month_starts(start, today)[:-SEEDER_MONTHS]
    wanted = KINDERGARTEN_MONTHS if stage == "kindergarten" else TEACHING_MONTHS
    return [month for month in months if month.month in wanted]


def drill_row(
    rng: random.Random, drill_id: int, school: School, kind: str, day: dt.date, officer: int | None, tz: dt.tzinfo
) -> tuple | None:
    """One drill of ``kind`` planned for ``day``: held (most), cancelled, or None when the school skipped it."""
    from xiaoan.drills.demo import SCENARIOS

    draw = rng.random()
    if draw < MISSED_SHARE:
        return None
    planned = moment(day - dt.timedelta(days=7), 16, 0, tz)
    scope = "全校" if kind != "bus" else "乘坐校车学生"
    if draw < MISSED_SHARE + CANCELLED_SHARE:
        return (drill_id, school.id, kind, "cancelled", day, scope, SCENARIOS[kind], None, None, None, None, None, "",
                "", officer, planned)  # fmt: skip
    held = moment(day, 10, rng.choice((0, 15, 30)), tz)
    participants = (
        max(30, school.headcount + school.staff - rng.randint(0, 30)) if kind != "bus" else rng.randint(20, 60)
    )
    return (drill_id, school.id, kind, "held", day, scope, SCENARIOS[kind], held, day, participants,
            rng.randint(85, 150), 120, rng.choice(PROBLEMS), "演练按预案完成，师生熟悉疏散路线。", officer,
            planned)  # fmt: skip


def drill_rows(
    schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date, first_id: int
) -> Iterator[tuple]:
    from django.utils import timezone

    from xiaoan.drills.demo import MONTHLY_KINDS

    tz, start, drill_id = timezone.get_current_timezone(), first_day(today), first_id
    for school in schools:
        rng, officer = rng_for(seed, "drills", school.id), posts.get(school.id, Posts()).manager
        planned = [(month, str(rng.choice(MONTHLY_KINDS))) for month in drill_months(start, today, school.stage)]
        if school.buses:
            planned += [(month, "bus") for month in drill_months(start, today, "") if month.month in BUS_MONTHS]
        for month, kind in sorted(planned):
            row = drill_row(rng, drill_id, school, kind, month + dt.timedelta(days=rng.randint(3, 20)), officer, tz)
            if row is not None:
                yield row
                drill_id += 1


def plan_rows(
    schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date, first_plan: int, versions: list[tuple]
) -> Iterator[tuple]:
    """Emergency plans (fire and earthquake; school bus where buses run), first approved at the start and
    revised once a year for most; the version rows are appended to ``versions``."""
    from django.utils import timezone

    tz, start, plan_id = timezone.get_current_timezone(), first_day(today), first_plan
    for school in schools:
        rng, officer = rng_for(seed, "plans", school.id), posts.get(school.id, Posts()).manager
        kinds = PLAN_KINDS + ((("school_bus", "校车安全应急预案"),) if school.buses else ())
        for kind, title in kinds:
            created = start - dt.timedelta(days=rng.randint(10, 200))
            yield (plan_id, school.id, kind, title, officer, moment(created, 9, 0, tz))
            revised, number = created, 1
            while revised <= today:
                versions.append((plan_id, number, revised, "校长", revised, "" if number == 1 else "年度修订", officer,
                                 moment(revised, 15, 0, tz)))  # fmt: skip
                revised += dt.timedelta(days=330 + rng.randrange(90) if rng.random() < 0.8 else 800)
                number += 1
            plan_id += 1


def write_drills(schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date) -> dict[str, int]:
    from xiaoan.drills.models import Drill, DrillFollowUp, EmergencyPlan, PlanVersion

    from ..copying import copy_rows, execute, next_id, sync_sequence, table

    versions: list[tuple] = []
    counts = {
        "emergency plans": copy_rows(EmergencyPlan, ("id", "unit_id", "kind", "title", "created_by_id", "created_at"),
                                     plan_rows(schools, posts, seed, today, next_id(EmergencyPlan), versions)),
        "plan versions": copy_rows(PlanVersion, ("plan_id", "number", "revised_on", "approved_by", "approved_on",
                                                 "note", "created_by_id", "created_at"), versions),
    }  # fmt: skip
    sync_sequence(EmergencyPlan)
    execute(
        f"UPDATE {table(EmergencyPlan)} p SET current_version_id = v.id FROM (SELECT DISTINCT ON (plan_id) "  # noqa: S608
        f"plan_id, id FROM {table(PlanVersion)} ORDER BY plan_id, number DESC) v "
        "WHERE v.plan_id = p.id AND p.current_version_id IS NULL"
    )
    first = next_id(Drill)
    counts["drills"] = copy_rows(Drill, DRILL_COLUMNS, drill_rows(schools, posts, seed, today, first))
    sync_sequence(Drill)
    counts["drill follow-ups"] = execute(
        f"INSERT INTO {table(DrillFollowUp)} (drill_id, problem, owner_id, due_on, done_at, created_at) "  # noqa: S608
        "SELECT d.id, d.problems, d.created_by_id, d.held_on + 14, "
        "CASE WHEN d.held_on + 14 < current_date OR d.id %% 4 > 0 THEN d.held_at + interval '9 days' END, "
        f"d.held_at + interval '1 day' FROM {table(Drill)} d WHERE d.id >= %s AND d.problems <> ''",
        [first],
    )
    return counts
