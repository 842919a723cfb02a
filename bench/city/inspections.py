"""Inspection plans and three school years of submitted inspections with every answer: the guard's weekly
campus patrol in teaching weeks and the safety officer's monthly fire check (the compliance obligation).

Inspections come from Python (dates, people, periods); their answers — one per item of the template version,
about ten million at city scale — from one INSERT … SELECT over the inspections and the items, so PostgreSQL
writes them without a round trip. A failed item (a few inspections have one) was put right on the spot: it
is recorded with a note and does not become a hazard.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from .plans import School, first_day, moment, month_starts, rng_for, teaching_weeks
from .staff import Posts

FAILED_NOTE = "已当场整改"
REASON = "generating the benchmark city"


@dataclass(frozen=True)
class Schedule:
    """A plan every school runs: the system template, how often, by whom, and how often a check fails."""

    template: str
    frequency: str
    role: str
    done_share: float
    failed_share: float


SCHEDULES = (
    Schedule("daily-patrol", "weekly", "guard", 0.93, 0.04),
    Schedule("monthly-fire", "monthly", "safety_officer", 0.96, 0.06),
)
INSPECTION_COLUMNS = ("id", "school_id", "version_id", "plan_id", "period_key", "inspector_id", "state", "started_at",
                      "submitted_at", "failed_count")  # fmt: skip


def check_days(schedule: Schedule, start: dt.date, today: dt.date, rng: random.Random) -> list[dt.date]:
    """The days a school did this check: a weekday of most teaching weeks, or a day early in most months;
    none after today."""
    days = []
    if schedule.frequency == "weekly":
        for monday in teaching_weeks(start, today):
            if rng.random() < schedule.done_share:
                days.append(monday + dt.timedelta(days=rng.randrange(5)))
    else:
        for first in month_starts(start, today):
            if rng.random() < schedule.done_share:
                days.append(first + dt.timedelta(days=rng.randrange(25)))
    return [day for day in days if start <= day <= today]


def inspection_rows(
    schools: list[School],
    posts: dict[int, Posts],
    plans: dict[tuple[int, str], int],
    versions: dict[str, int],
    seed: int,
    today: dt.date,
    first_id: int,
) -> Iterator[tuple]:
    from django.utils import timezone

    from xiaoan.inspections.periods import period_of

    tz, start, inspection_id = timezone.get_current_timezone(), first_day(today), first_id
    for school in schools:
        unit_posts = posts.get(school.id, Posts())
        for schedule in SCHEDULES:
            rng = rng_for(seed, schedule.template, school.id)
            inspector = unit_posts.guard if schedule.role == "guard" else unit_posts.manager
            for day in check_days(schedule, start, today, rng):
                begun = moment(day, 7 + rng.randrange(9), rng.randrange(60), tz)
                failed = 1 if rng.random() < schedule.failed_share else 0
                yield (inspection_id, school.id, versions[schedule.template], plans[school.id, schedule.template],
                       period_of(schedule.frequency, day).key, inspector, "submitted", begun,
                       begun + dt.timedelta(minutes=15 + rng.randrange(40)), failed)  # fmt: skip
                inspection_id += 1


def _items(versions: dict[str, int]) -> list[tuple]:
    """(version, item, answer type, the number a numeric item gets, rank among failable items, failable count):
    an item can fail when it is pass/fail and needs no photo."""
    from xiaoan.inspections.models import Item

    rows = []
    for version_id in versions.values():
        items = list(Item.objects.filter(section__version_id=version_id).order_by("section__order", "order", "pk"))
        failable = [i.pk for i in items if i.answer_type == "pass_fail" and not i.photo_required_when_failed]
        for item in items:
            low, high = item.minimum, item.maximum
            number = ((low + high) / 2 if high is not None else low) if low is not None else high
            rank = failable.index(item.pk) if item.pk in failable else None
            rows.append((version_id, item.pk, item.answer_type, number, rank, len(failable)))
    return rows


def write_inspections(schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date) -> dict[str, int]:
    from django.db import connection

    from xiaoan.inspections.models import (
        Answer,
        ChecklistTemplate,
        Inspection,
        InspectionPlan,
        Item,
        Section,
        TemplateVersion,
    )
    from xiaoan.inspections.seeding import install_system_templates

    from ..copying import copy_rows, execute, filler, load_window, next_id, sync_sequence, table

    install_system_templates(ChecklistTemplate, TemplateVersion, Section, Item)  # idempotent
    codes = [schedule.template for schedule in SCHEDULES]
    templates = {t.code: t for t in ChecklistTemplate.objects.system(REASON).filter(code__in=codes)}
    versions = {
        code: TemplateVersion.objects.get(template=template, number=template.version).pk
        for code, template in templates.items()
    }
    first_plan = next_id(InspectionPlan)
    plans = {
        (school.id, schedule.template): first_plan + index * len(SCHEDULES) + offset
        for index, school in enumerate(schools)
        for offset, schedule in enumerate(SCHEDULES)
    }
    start = first_day(today)
    plan_rows = (
        (plans[school.id, s.template], school.id, templates[s.template].pk, s.frequency, s.role, start)
        for school in schools
        for s in SCHEDULES
    )
    counts = {"inspection plans": copy_rows(InspectionPlan, ("id", "school_id", "template_id", "frequency",
                                                            "assignee_role", "starts_on"), plan_rows)}  # fmt: skip
    sync_sequence(InspectionPlan)
    first = next_id(Inspection)
    execute(
        "CREATE TEMP TABLE bench_items (version_id bigint, item_id bigint, answer_type text, number numeric, "
        "rank int, failable int) ON COMMIT DROP"
    )
    items = _items(versions)  # read before the COPY starts: the connection is busy during it
    with connection.connection.cursor() as cursor, cursor.copy("COPY bench_items FROM STDIN") as copy:
        for row in items:
            copy.write_row(row)
    given = ["inspection_id", "item_id", "result", "number", "text", "note", "place", "make_hazard"]
    extra, values = filler(Answer, given)
    names = ", ".join(connection.ops.quote_name(column) for column in [*given, *extra])
    fails = "i.failed_count > 0 AND b.rank = i.id %% b.failable"
    with load_window(Inspection, Answer):
        counts["inspections"] = copy_rows(
            Inspection, INSPECTION_COLUMNS, inspection_rows(schools, posts, plans, versions, seed, today, first)
        )
        counts["answers"] = execute(
            f"INSERT INTO {table(Answer)} ({names}) SELECT i.id, b.item_id, "  # noqa: S608
            f"CASE WHEN b.answer_type <> 'pass_fail' THEN '' WHEN {fails} THEN 'fail' ELSE 'pass' END, b.number, "
            f"CASE WHEN b.answer_type = 'text' THEN '正常' ELSE '' END, "
            f"CASE WHEN {fails} THEN %s ELSE '' END, '', false"
            + ", %s" * len(extra)
            + f" FROM {table(Inspection)} i JOIN bench_items b ON b.version_id = i.version_id WHERE i.id >= %s",
            [FAILED_NOTE, *values, first],
        )
    sync_sequence(Inspection)
    return counts
