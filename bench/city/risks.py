"""Risk points of every school (the demo catalogue, by stage and boarding) and their reviews every cycle since
the first school year; a share of points is past its review date, as in the demo."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from .plans import School, first_day, rng_for
from .staff import Posts

REVIEW_NOTE = "复核：现场管控措施落实，风险等级不变。"
WATER_SHARE = 0.3
RISK_COLUMNS = (
    "id", "unit_id", "name", "place", "kind", "hazard_factors", "consequences", "method", "likelihood", "exposure",
    "consequence", "score", "level", "graded_on", "control_measures", "responsible_id", "responsible_post",
    "review_cycle_days", "last_reviewed_on", "review_due", "created_at",
)  # fmt: skip
REVIEW_COLUMNS = ("risk_point_id", "reviewed_on", "reviewer_id", "notes", "method", "likelihood", "exposure",
                  "consequence", "score", "previous_level", "level", "created_at")  # fmt: skip


def catalogue_for(school: School, catalogue: tuple, water: tuple, rng: random.Random) -> list[tuple]:
    """The demo catalogue's entries that fit the school's stage; dormitories only where pupils board."""
    entries = [entry for entry in catalogue if school.stage in entry[-1]]
    if school.stage == "kindergarten" or not school.boarding:
        entries = [entry for entry in entries if entry[0] != "学生宿舍夜间管理"]
    if rng.random() < WATER_SHARE:
        entries.append(water)
    return entries


def review_dates(created: dt.date, last: dt.date, cycle: int, rng: random.Random) -> list[dt.date]:
    """Reviews from the last one back towards the point's creation, each a little inside the cycle."""
    dates, day = [], last
    while day > created:
        dates.append(day)
        day -= dt.timedelta(days=cycle - rng.randrange(0, 30))
    return sorted(dates)


def _gradings(entries: tuple, today: dt.date) -> dict[str, Any]:
    """The LEC grading of each catalogue entry under today's rules (the same for every school)."""
    from decimal import Decimal

    from xiaoan.risks.grading import grade

    return {
        entry[0]: grade(method="lec", on=today, likelihood=Decimal(entry[6][0]), exposure=Decimal(entry[6][1]),
                        consequence=Decimal(entry[6][2]))
        for entry in entries
    }  # fmt: skip


def risk_rows(
    schools: list[School],
    posts: dict[int, Posts],
    seed: int,
    today: dt.date,
    first_id: int,
    cycle: int,
    gradings: dict[str, Any],
    reviews: list[tuple],
) -> Iterator[tuple]:
    """Risk point rows; their review rows are appended to ``reviews`` on the way (a few per point). Reads
    nothing from the database: it runs inside the COPY."""
    from django.utils import timezone

    from xiaoan.risks.demo import CATALOGUE, WATER

    tz = timezone.get_current_timezone()
    start, point_id = first_day(today), first_id
    for school in schools:
        rng, unit_posts = rng_for(seed, "risks", school.id), posts.get(school.id, Posts())
        for entry in catalogue_for(school, CATALOGUE, WATER, rng):
            name, place, kind, factors, consequences, measures, _lec, post, _stages = entry
            g = gradings[name]
            created = start + dt.timedelta(days=rng.randrange(0, 60))
            last = today - dt.timedelta(days=rng.randint(0, cycle + 60))
            responsible = unit_posts.manager if rng.random() < 0.5 else None
            yield (point_id, school.id, name, place, kind, factors, consequences, g.method, g.likelihood, g.exposure,
                   g.consequence, g.score, g.level, last, measures, responsible, post, cycle, last,
                   last + dt.timedelta(days=cycle), dt.datetime.combine(created, dt.time(9), tzinfo=tz))  # fmt: skip
            for day in review_dates(created, last, cycle, rng):
                reviews.append((point_id, day, unit_posts.manager, REVIEW_NOTE, g.method, g.likelihood, g.exposure,
                                g.consequence, g.score, g.level, g.level,
                                dt.datetime.combine(day, dt.time(15), tzinfo=tz)))  # fmt: skip
            point_id += 1


def write_risks(schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date) -> dict[str, int]:
    from xiaoan.core.rules.services import get_rule
    from xiaoan.risks.demo import CATALOGUE, WATER
    from xiaoan.risks.models import RiskPoint, RiskReview

    from ..copying import copy_rows, next_id, sync_sequence

    cycle = int(get_rule("risks.review_cycle_days", on=today))
    gradings = _gradings((*CATALOGUE, WATER), today)
    reviews: list[tuple] = []
    rows = risk_rows(schools, posts, seed, today, next_id(RiskPoint), cycle, gradings, reviews)
    points = copy_rows(RiskPoint, RISK_COLUMNS, rows)
    sync_sequence(RiskPoint)
    return {"risk points": points, "risk reviews": copy_rows(RiskReview, REVIEW_COLUMNS, reviews)}
