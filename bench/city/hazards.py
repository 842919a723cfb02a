"""Hazards over three school years (most closed, some overdue, a few under 挂牌督办 with their supervision and
progress reports), and a 随手拍 QR point per school. Their transition logs are written by ``workflow``."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from decimal import Decimal

from .plans import School, first_day, pick, rng_for, spread
from .staff import Posts

PLACES = (
    "教学楼一楼走廊",
    "学生宿舍三楼",
    "食堂后厨",
    "操场东侧围墙",
    "实验室",
    "校门口",
    "配电室",
    "锅炉房",
    "图书馆",
    "体育器材室",
)
DESCRIPTIONS = (
    "灭火器压力不足，已过检验期。",
    "楼梯扶手松动，学生上下楼存在跌落风险。",
    "插座面板破损，电线外露。",
    "围墙局部开裂倾斜。",
    "疏散通道堆放杂物，影响通行。",
    "燃气软管老化开裂。",
    "应急照明灯不亮。",
    "校门口减速带缺失。",
)
MEASURES = "立即设置警示标识并隔离现场，联系专业单位维修更换，整改完成后拍照上报。"
MAJOR_PLAN = (
    "消除隐患，恢复设施正常使用，杜绝安全事故。",
    "校长任组长，分管副校长具体负责，总务处、安全办配合。",
    "学校公用经费列支，所需材料由总务处采购。",
    "整改期间划定警戒区域，安排专人值守，禁止学生进入。",
    "发生险情立即启动学校突发事件应急预案，疏散师生并报告主管部门。",
)
HAZARD_STATES = (  # (state, share per thousand) — most closed, some open, a few rejected
    ("closed", 820),
    ("rejected", 30),
    ("reported", 30),
    ("graded", 20),
    ("rectifying", 70),
    ("acceptance_requested", 20),
    ("accepted", 10),
)
STEPS = ("graded", "rectifying", "acceptance_requested", "accepted", "closed")
STEP_DAYS = (1, 2, 20, 25, 26)  # days after the report each step was taken
RECTIFYING_MEAN_DAYS = 30
DEADLINE_DAYS = {"general": 30, "major": 60}
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CATEGORIES = ("fire", "building", "electricity", "gas", "food", "traffic", "water", "laboratory", "sports",
              "surroundings", "security", "other")  # fmt: skip
HAZARD_COLUMNS = (
    "id", "unit_id", "unit_path", "number", "category", "place", "description", "source", "reported_by_id",
    "reported_at", "state", "grade", "graded_at", "responsible_id", "responsible_post", "measures", "funds",
    "deadline", "goal", "organisation", "materials", "safety_measures", "contingency_plan", "rectification_started_at",
    "acceptance_requested_at", "accepted_at", "closed_at", "overdue_since", "is_supervised", "tracking_code",
)  # fmt: skip


def hazard_row(
    rng: random.Random, hazard_id: int, school: School, posts: Posts, today: dt.date, tz: dt.tzinfo
) -> tuple:
    """One hazard: state, grade and the timestamps of the steps it went through, in order and none in the
    future (deterministic for the rng)."""
    state = pick(rng, HAZARD_STATES)
    reached = STEPS.index(state) + 1 if state in STEPS else 0
    if state in ("closed", "rejected"):
        age_days = rng.randrange(30, max(31, (today - first_day(today)).days))
    elif state == "rectifying":  # most rectifications end within weeks; a tail runs for months
        age_days = STEP_DAYS[1] + 1 + min(int(rng.expovariate(1 / RECTIFYING_MEAN_DAYS)), 200)
    else:
        age_days = rng.randrange(STEP_DAYS[reached - 1] + 1 if reached else 1, 90)
    reported = dt.datetime.combine(today - dt.timedelta(days=age_days), dt.time(8 + rng.randrange(10)), tzinfo=tz)
    reported += dt.timedelta(minutes=rng.randrange(60))
    step = [reported + dt.timedelta(days=days) if reached > index else None for index, days in enumerate(STEP_DAYS)]
    graded, started, requested, accepted, closed = step
    grade = "" if state in ("reported", "rejected") else ("major" if rng.random() < 0.03 else "general")
    deadline = (reported + dt.timedelta(days=DEADLINE_DAYS[grade])).date() if started else None
    if state == "rejected":
        closed = reported + dt.timedelta(days=1)  # 不构成隐患 closes the record (hazard_transition)
    overdue = None
    if deadline and deadline < today and state == "rectifying":
        overdue = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    supervised = state == "rectifying" and grade == "major" and overdue is not None
    anonymous = rng.random() < 0.1
    tracking = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(12)) if anonymous else None
    responsible = (posts.officer if rng.random() < 0.7 else posts.leader) if started else None
    major = grade == "major" and started is not None
    plan = MAJOR_PLAN if major else ("",) * len(MAJOR_PLAN)
    return (
        hazard_id, school.id, school.path, f"YH-{reported.year}-{hazard_id:06d}", rng.choice(CATEGORIES),
        rng.choice(PLACES), rng.choice(DESCRIPTIONS), "anonymous" if anonymous else "staff",
        None if anonymous else posts.staff, reported, state, grade, graded, responsible,
        ("安全副校长" if responsible == posts.officer else "校长") if started else "", MEASURES if started else "",
        Decimal(rng.randrange(5, 500) * 100) if major else None, deadline, *plan, started, requested, accepted,
        closed, overdue, supervised, tracking,
    )  # fmt: skip


def hazard_rows(
    schools: list[School], posts: dict[int, Posts], total: int, seed: int, today: dt.date, first_id: int
) -> Iterator[tuple]:
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    hazard_id = first_id
    for school, count in zip(schools, spread(total, [s.headcount for s in schools]), strict=True):
        rng, unit_posts = rng_for(seed, "hazards", school.id), posts.get(school.id, Posts())
        for _ in range(count):
            yield hazard_row(rng, hazard_id, school, unit_posts, today, tz)
            hazard_id += 1


def report_point_token(seed: int, unit_id: int) -> str:
    """The 32-character QR token of a school's report point (like ``secrets.token_urlsafe(24)``), from the seed."""
    digest = hashlib.sha256(f"xiaoan-bench:{seed}:{unit_id}".encode()).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()


def supervision_rows(
    supervised: list[tuple[int, int, int | None, dt.datetime]], posts: dict[int, Posts], now: dt.datetime
) -> Iterator[tuple]:
    """(hazard, school, parent unit, overdue since) → one open 挂牌督办 by the unit above, listed a few days
    after the hazard fell overdue, with a 30-day deadline."""
    for hazard_id, _school_id, parent_id, overdue_since in supervised:
        bureau = posts.get(parent_id or 0, Posts())
        if bureau.leader is None:
            continue
        created = min(overdue_since + dt.timedelta(days=3 + hazard_id % 7, hours=10), now - dt.timedelta(hours=1))
        yield (hazard_id, parent_id, bureau.leader, (created + dt.timedelta(days=30)).date(),
               "每周五前报送整改进展及照片。", "open", bureau.manager, created)  # fmt: skip


def write_hazards(
    schools: list[School], posts: dict[int, Posts], total: int, seed: int, today: dt.date
) -> dict[str, int]:
    from django.utils import timezone

    from xiaoan.hazards.models import Hazard, ReportPoint, Supervision, SupervisionReport

    from ..copying import copy_rows, execute, load_window, next_id, sync_sequence, table

    first = next_id(Hazard)
    parents = {school.id: school.parent_id for school in schools}
    supervised: list[tuple[int, int, int | None, dt.datetime]] = []

    def watched(rows: Iterator[tuple]) -> Iterator[tuple]:
        for row in rows:
            if row[-2]:
                supervised.append((row[0], row[1], parents.get(row[1]), row[-3]))
            yield row

    with load_window(Hazard):
        hazards = copy_rows(Hazard, HAZARD_COLUMNS, watched(hazard_rows(schools, posts, total, seed, today, first)))
    sync_sequence(Hazard)
    existing = set(ReportPoint.objects.values_list("unit_id", flat=True))
    points = copy_rows(
        ReportPoint,
        ("unit_id", "unit_path", "token", "is_active"),
        ((s.id, s.path, report_point_token(seed, s.id), True) for s in schools if s.id not in existing),
    )
    columns = ("hazard_id", "supervising_unit_id", "leader_id", "deadline", "required_reports", "status",
               "created_by_id", "created_at")  # fmt: skip
    supervisions = copy_rows(Supervision, columns, supervision_rows(supervised, posts, timezone.now()))
    reports = execute(
        f"INSERT INTO {table(SupervisionReport)} (supervision_id, text, created_by_id, created_at) "  # noqa: S608
        "SELECT s.id, '已完成第' || n || '阶段整改，现场照片已上传。', h.responsible_id, "
        "s.created_at + make_interval(days => 7 * n) "
        f"FROM {table(Supervision)} s JOIN {table(Hazard)} h ON h.id = s.hazard_id "
        "CROSS JOIN generate_series(1, 4) n WHERE h.id >= %s AND s.created_at + make_interval(days => 7 * n) < now()",
        [first],
    )
    return {"hazards": hazards, "report points": points, "supervisions": supervisions, "supervision reports": reports}
