"""The synthetic city, deterministic from a seed, written with bulk paths (COPY, INSERT … SELECT).

    uv run python -m bench.generate --scale small|city [--seed N]      (against DATABASE_URL, PostgreSQL)

1. the unit tree and the persona accounts: the existing builder (``xiaoan seed --scale city``), then every
   module's demo seeder at city scale (most skip it: the volume is written here);
2. staff accounts for every school (principal, safety officer, a teacher);
3. the roster — classes, pupils, guardians (mobile numbers encrypted, as the app stores them);
4. hazards over three years (most closed, some overdue, a few under 挂牌督办) with their transition logs,
   and a 随手拍 QR point per school;
5. rule values that lift the per-address rate limits (all benchmark traffic comes from 127.0.0.1);
6. with ``--letter``: one city-wide letter published through the module's own publication (receipts, links).

Modules that are not installed are skipped and named in the summary.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文辉力玉兰红梅鹏飞雪琳浩宇子涵梓萱一诺欣怡佳豪俊熙思远雨桐可馨"  # noqa: E501
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
GRADES_OF_STAGE = {
    "kindergarten": (-2, -1, 0),
    "primary": (1, 2, 3, 4, 5, 6),
    "junior": (7, 8, 9),
    "senior": (10, 11, 12),
    "nine_year": (1, 2, 3, 4, 5, 6, 7, 8, 9),
    "complete": (7, 8, 9, 10, 11, 12),
    "vocational": (10, 11, 12),
    "special": (1, 2, 3, 4, 5, 6, 7, 8, 9),
}
REASON = "generating the benchmark city"


@dataclass(frozen=True)
class Volume:
    schools: int
    pupils: int
    hazards: int
    two_guardian_share: float = 0.46  # 2.4 M pupils → about 3.5 M guardians


VOLUMES = {
    "small": Volume(schools=50, pupils=20_000, hazards=4_000),
    "city": Volume(schools=5_000, pupils=2_400_000, hazards=1_000_000),
}


@dataclass(frozen=True)
class School:
    id: int
    path: str
    stage: str
    headcount: int


# --- pure, deterministic plans (no database) ----------------------------------------------------


def spread(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), every share ≥ 1 when total allows."""
    if not weights:
        return []
    weight_sum = sum(weights) or len(weights)
    raw = [total * (w or 1) / weight_sum for w in weights]
    shares = [math.floor(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def person_name(rng: random.Random, surname: str | None = None) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return (surname or rng.choice(SURNAMES)) + given


def class_plan(school: School, pupils: int) -> list[tuple[int, int, int]]:
    """(grade, class number, pupils) for a school: pupils spread over its grades in classes of ≤ 45 (30)."""
    grades = GRADES_OF_STAGE.get(school.stage, (1,))
    size = 30 if school.stage == "kindergarten" else 45
    plan = []
    for grade, in_grade in zip(grades, spread(pupils, [1] * len(grades)), strict=True):
        if in_grade == 0:
            continue
        classes = math.ceil(in_grade / size)
        for number, count in enumerate(spread(in_grade, [1] * classes), start=1):
            plan.append((grade, number, count))
    return plan


HAZARD_STATES = (  # (state, share per thousand) — most closed, some open, a few rejected
    ("closed", 820),
    ("rejected", 30),
    ("reported", 30),
    ("graded", 20),
    ("rectifying", 70),
    ("acceptance_requested", 20),
    ("accepted", 10),
)
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def hazard_row(rng: random.Random, hazard_id: int, school: School, today: dt.date, tz: dt.tzinfo) -> tuple:
    """One hazard: state, grade and the timestamps of the steps it went through (deterministic for the rng)."""
    draw, state = rng.randrange(1000), HAZARD_STATES[0][0]
    for candidate, share in HAZARD_STATES:
        if draw < share:
            state = candidate
            break
        draw -= share
    open_state = state not in ("closed", "rejected")
    age_days = rng.randrange(1, 90) if open_state else rng.randrange(30, 3 * 365)
    reported = dt.datetime.combine(today - dt.timedelta(days=age_days), dt.time(8 + rng.randrange(10)), tzinfo=tz)
    reported += dt.timedelta(minutes=rng.randrange(60))
    grade = "" if state in ("reported", "rejected") else ("major" if rng.random() < 0.03 else "general")
    steps = ("graded", "rectifying", "acceptance_requested", "accepted", "closed")
    reached = steps.index(state) + 1 if state in steps else 0
    graded = reported + dt.timedelta(days=1) if reached >= 1 else None
    started = reported + dt.timedelta(days=2) if reached >= 2 else None
    deadline = (reported + dt.timedelta(days=30 if grade == "general" else 90)).date() if started else None
    requested = reported + dt.timedelta(days=min(age_days, 20)) if reached >= 3 else None
    accepted = reported + dt.timedelta(days=min(age_days, 25)) if reached >= 4 else None
    closed = reported + dt.timedelta(days=min(age_days, 26)) if reached >= 5 else None
    if state == "rejected":
        closed = None
    overdue = None
    if deadline and deadline < today and state in ("rectifying", "graded"):
        overdue = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    supervised = state == "rectifying" and grade == "major" and overdue is not None
    anonymous = rng.random() < 0.1
    tracking = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(12)) if anonymous else None
    return (
        hazard_id, school.id, school.path, f"YH-{reported.year}-{hazard_id:06d}", rng.choice(CATEGORIES),
        rng.choice(PLACES), rng.choice(DESCRIPTIONS), "anonymous" if anonymous else "staff", reported, state, grade,
        graded, started, deadline, requested, accepted, closed, overdue, supervised, tracking,
    )  # fmt: skip


CATEGORIES = ("fire", "building", "electricity", "gas", "food", "traffic", "water", "sports", "security", "other")
HAZARD_COLUMNS = (
    "id", "unit_id", "unit_path", "number", "category", "place", "description", "source", "reported_at", "state",
    "grade", "graded_at", "rectification_started_at", "deadline", "acceptance_requested_at", "accepted_at",
    "closed_at", "overdue_since", "is_supervised", "tracking_code",
)  # fmt: skip


def report_point_token(seed: int, unit_id: int) -> str:
    """The 32-character QR token of a school's report point (like ``secrets.token_urlsafe(24)``), from the seed."""
    digest = hashlib.sha256(f"xiaoan-bench:{seed}:{unit_id}".encode()).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()


# --- database steps -----------------------------------------------------------------------------


def _installed(label: str) -> bool:
    from django.apps import apps

    return apps.is_installed(f"xiaoan.{label}")


def _schools() -> list[School]:
    from xiaoan.orgs.models import Unit
    from xiaoan.orgs.roles import UnitKind

    rows = Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("id")
    return [School(u["id"], u["path"], u["stage"], u["pupils"]) for u in rows.values("id", "path", "stage", "pupils")]


def build_tree(scale: str, seed: int, stats: dict[str, Any]) -> None:
    from xiaoan.core.registry import demo_seeders
    from xiaoan.orgs.demo.builder import build, has_units

    if has_units():
        raise SystemExit("generate: the database already has units; generate into an empty database")
    result = build(scale="city", seed=seed, schools=VOLUMES[scale].schools, demo_passwords=True)
    stats["units"] = result.units
    for seeder in demo_seeders():
        started = time.monotonic()
        try:
            seeder.seed(scale="city", seed=seed)
        except Exception as exc:  # another module's seeder must not stop the benchmark; it is reported
            stats[f"seeder {seeder.key}"] = f"FAILED: {type(exc).__name__}: {exc}"[:200]
        else:
            stats[f"seeder {seeder.key}"] = f"{time.monotonic() - started:.1f} s"


def write_staff(schools: list[School], seed: int) -> int:
    from django.db import connection

    from xiaoan.orgs.models import Membership, User
    from xiaoan.orgs.roles import Role

    from .copying import copy_rows

    rng = random.Random(seed + 1)
    posts = ((Role.LEADER, "校长"), (Role.SAFETY_OFFICER, "安全副校长"), (Role.STAFF, "班主任"))
    rows = []
    for school in schools:
        for index, (role, title) in enumerate(posts):
            rows.append((f"b{school.id}-{index}", person_name(rng), "!", school.id, str(role), title))
    user_rows = ((username, name, password) for username, name, password, *_rest in rows)
    written = copy_rows(User, ("username", "full_name", "password"), user_rows)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_posts (username text, unit_id bigint, role text, title text)")
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy("COPY bench_posts FROM STDIN") as copy:
        for username, _name, _password, unit_id, role, title in rows:
            copy.write_row((username, unit_id, role, title))
    user_table, member_table = User._meta.db_table, Membership._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {member_table} (user_id, unit_id, role, title, is_active, created_at) "  # noqa: S608
            f"SELECT u.id, p.unit_id, p.role, p.title, true, now() FROM bench_posts p JOIN {user_table} u USING (username)"  # noqa: E501
        )
        cursor.execute(
            f"UPDATE {user_table} u SET active_membership_id = m.id FROM {member_table} m "  # noqa: S608
            "WHERE m.user_id = u.id AND u.username LIKE 'b%%-%%' AND u.active_membership_id IS NULL"
        )
        cursor.execute("DROP TABLE bench_posts")
    return written


def write_roster(schools: list[School], volume: Volume, seed: int, today: dt.date) -> dict[str, int]:
    from django.utils import translation

    from xiaoan.core.crypto import encrypt
    from xiaoan.students.grades import GRADE_LABELS
    from xiaoan.students.identity import mobile_hash
    from xiaoan.students.models import Guardian, Guardianship, Pupil, SchoolClass

    from .copying import copy_rows, next_id, sync_sequence

    rng = random.Random(seed + 2)
    year = today.year if today.month >= 8 else today.year - 1
    per_school = spread(volume.pupils, [school.headcount for school in schools])
    class_id, pupil_id, guardian_id = next_id(SchoolClass), next_id(Pupil), next_id(Guardian)
    classes, pupils, guardians, ships = [], [], [], []
    with translation.override("zh-hans"):
        labels = {grade: str(label) for grade, label in GRADE_LABELS.items()}
    for school, count in zip(schools, per_school, strict=True):
        serial = 0
        for grade, number, size in class_plan(school, count):
            classes.append((class_id, school.id, year, grade, number, f"{labels[grade]}{number}班", True))
            for _ in range(size):
                serial += 1
                surname = rng.choice(SURNAMES)
                pupils.append(
                    (pupil_id, school.id, class_id, person_name(rng, surname), rng.choice("MF"), f"XS{serial:06d}",
                     "enrolled")
                )  # fmt: skip
                relations = ("father", "mother") if rng.random() < volume.two_guardian_share else ("mother",)
                for order, relation in enumerate(relations, start=1):
                    mobile = f"170{guardian_id % 100_000_000:08d}"
                    name = person_name(rng, surname if relation == "father" else None)
                    guardians.append((guardian_id, school.id, name, encrypt(mobile), mobile_hash(mobile)))
                    ships.append((pupil_id, guardian_id, relation, order == 1, order))
                    guardian_id += 1
                pupil_id += 1
            class_id += 1
    counts = {
        "classes": copy_rows(SchoolClass, ("id", "unit_id", "school_year", "grade", "number", "name", "is_active"),
                             classes),
        "pupils": copy_rows(Pupil, ("id", "unit_id", "school_class_id", "name", "gender", "student_number", "status"),
                            pupils),
        "guardians": copy_rows(Guardian, ("id", "unit_id", "name", "mobile", "mobile_hash"), guardians),
        "guardianships": copy_rows(Guardianship, ("pupil_id", "guardian_id", "relation", "is_primary", "order"),
                                   ships),
    }  # fmt: skip
    for model in (SchoolClass, Pupil, Guardian):
        sync_sequence(model)
    return counts


def _hazard_rows(schools: list[School], volume: Volume, seed: int, today: dt.date, first_id: int) -> Iterator[tuple]:
    from django.utils import timezone

    rng = random.Random(seed + 3)
    tz = timezone.get_current_timezone()
    hazard_id = first_id
    for school, count in zip(schools, spread(volume.hazards, [s.headcount for s in schools]), strict=True):
        for _ in range(count):
            yield hazard_row(rng, hazard_id, school, today, tz)
            hazard_id += 1


# (transition, from, to, timestamp column, extra condition) — one INSERT … SELECT each
LOG_STEPS = (
    ("grade", "reported", "graded", "graded_at", ""),
    ("assign", "graded", "rectifying", "rectification_started_at", ""),
    ("request_acceptance", "rectifying", "acceptance_requested", "acceptance_requested_at", ""),
    ("accept", "acceptance_requested", "accepted", "accepted_at", ""),
    ("close", "accepted", "closed", "closed_at", ""),
    ("reject", "reported", "rejected", "reported_at + interval '1 day'", "AND h.state = 'rejected'"),
)


def write_hazards(schools: list[School], volume: Volume, seed: int, today: dt.date) -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from xiaoan.core.workflow.models import TransitionLog
    from xiaoan.hazards.models import Hazard, ReportPoint
    from xiaoan.orgs.models import Membership

    from .copying import copy_rows, next_id, sync_sequence

    first = next_id(Hazard)
    hazards = copy_rows(Hazard, HAZARD_COLUMNS, _hazard_rows(schools, volume, seed, today, first))
    sync_sequence(Hazard)
    existing = set(ReportPoint.objects.values_list("unit_id", flat=True))
    points = copy_rows(
        ReportPoint,
        ("unit_id", "unit_path", "token", "is_active"),
        ((s.id, s.path, report_point_token(seed, s.id), True) for s in schools if s.id not in existing),
    )
    content_type = ContentType.objects.get_for_model(Hazard).pk
    log, hazard, member = TransitionLog._meta.db_table, Hazard._meta.db_table, Membership._meta.db_table
    officer = (
        f"(SELECT DISTINCT ON (unit_id) unit_id, user_id FROM {member} "  # noqa: S608
        "WHERE role = 'safety_officer' ORDER BY unit_id, id)"
    )
    logs = 0
    with connection.cursor() as cursor:
        for name, source, target, column, condition in LOG_STEPS:
            at = column if "interval" in column else f"h.{column}"
            where = f"h.{column} IS NOT NULL" if "interval" not in column else "true"
            cursor.execute(
                f"INSERT INTO {log} (content_type_id, object_id, transition, from_state, to_state, actor_id, "  # noqa: S608
                f"comment, created_at) SELECT %s, h.id, %s, %s, %s, o.user_id, '', {at.replace('reported_at', 'h.reported_at')} "  # noqa: E501
                f"FROM {hazard} h LEFT JOIN {officer} o ON o.unit_id = h.unit_id "
                f"WHERE h.id >= %s AND {where} {condition}",
                [content_type, name, source, target, first],
            )
            logs += cursor.rowcount
        # one in ten accepted hazards was sent back once before it passed: two more rows
        for name, source, target, days in (
            ("request_acceptance", "rectifying", "acceptance_requested", 6),
            ("return", "acceptance_requested", "rectifying", 4),
        ):
            cursor.execute(
                f"INSERT INTO {log} (content_type_id, object_id, transition, from_state, to_state, actor_id, "  # noqa: S608
                f"comment, created_at) SELECT %s, h.id, %s, %s, %s, o.user_id, '整改不到位，退回', "
                f"h.acceptance_requested_at - make_interval(days => %s) FROM {hazard} h "
                f"LEFT JOIN {officer} o ON o.unit_id = h.unit_id "
                "WHERE h.id >= %s AND h.accepted_at IS NOT NULL AND h.id %% 10 = 0",
                [content_type, name, source, target, days, first],
            )
            logs += cursor.rowcount
    return {"hazards": hazards, "transition logs": logs, "report points": points}


PUBLIC_LIMITS = (
    ("hazards", "hazards.public_reports_per_ip_hour"),
    ("hazards", "hazards.public_reports_per_school_hour"),
    ("families", "families.receipt_page_per_ip_per_minute"),
)


def lift_rate_limits(today: dt.date) -> list[str]:
    """All benchmark traffic comes from 127.0.0.1: the per-address limits would measure the limiter."""
    from xiaoan.core.rules.models import RuleValue
    from xiaoan.core.rules.registry import get_spec

    lifted = []
    for label, key in PUBLIC_LIMITS:
        if not _installed(label):
            continue
        try:
            spec = get_spec(key)
        except Exception:  # noqa: S112 - the module may not declare this rule (yet)
            continue
        RuleValue.objects.create(
            key=key, value=spec.to_json(10**9), valid_from=today - dt.timedelta(days=1), note="benchmark"
        )
        lifted.append(key)
    return lifted


def publish_city_letter() -> tuple[int, float]:
    """One city-wide letter through the module's own publication; returns (letter id, seconds)."""
    from django.utils import timezone

    from xiaoan.families.letter_templates import DROWNING
    from xiaoan.families.markup import render_body
    from xiaoan.families.models import Letter, LetterState
    from xiaoan.families.publishing import publish
    from xiaoan.orgs.models import Unit, User
    from xiaoan.orgs.roles import UnitKind

    root = Unit.objects.system(REASON).get(kind=UnitKind.CITY_BUREAU)
    letter = Letter.objects.create(
        unit=root,
        title=DROWNING.title,
        body=DROWNING.body,
        body_html=render_body(DROWNING.body),
        items=list(DROWNING.items),
        deadline=timezone.localdate() + dt.timedelta(days=14),
        template_key=DROWNING.key,
        state=LetterState.PUBLISHING,
        created_by=User.objects.filter(username="city_officer").first(),
    )
    started = time.perf_counter()
    publish(letter.pk, deliver=False)
    return letter.pk, time.perf_counter() - started


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate(*, scale: str, seed: int, letter: bool = False, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Write the whole city; returns what was written and how long each step took."""
    from django.db import transaction
    from django.utils import timezone

    volume = VOLUMES[scale]
    today = timezone.localdate()
    stats: dict[str, Any] = {"scale": scale, "seed": seed}
    started = time.monotonic()

    def step(name: str, run: Callable[[], Any]) -> Any:
        began = time.monotonic()
        log(f"generate: {name} …")
        with transaction.atomic():
            value = run()
        stats[f"time: {name}"] = f"{time.monotonic() - began:.1f} s"
        return value

    step("unit tree, personas and module seeders", lambda: build_tree(scale, seed, stats))
    schools = _schools()
    stats["schools"] = len(schools)
    stats["staff accounts"] = step("staff accounts", lambda: write_staff(schools, seed))
    if _installed("students"):
        stats.update(step("roster", lambda: write_roster(schools, volume, seed, today)))
    else:
        stats["roster"] = "not generated: module not present"
    if _installed("hazards"):
        stats.update(step("hazards and transition logs", lambda: write_hazards(schools, volume, seed, today)))
    else:
        stats["hazards"] = "not generated: module not present"
    stats["rate limits lifted"] = ", ".join(step("rate limits", lambda: lift_rate_limits(today))) or "none"
    step("analyze", analyze)
    if letter and _installed("families") and _installed("students"):
        letter_id, seconds = publish_city_letter()
        stats["letter"] = f"#{letter_id} published in {seconds:.1f} s"
    stats["total time"] = f"{time.monotonic() - started:.1f} s"
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(VOLUMES), default="small")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-letter", action="store_true", help="do not publish the city-wide letter")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("generate: DATABASE_URL must point at PostgreSQL (COPY)", file=sys.stderr)
        return 2
    from .environment import apply_production_environment

    apply_production_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    stats = generate(scale=args.scale, seed=args.seed, letter=not args.no_letter)
    for key, value in stats.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
