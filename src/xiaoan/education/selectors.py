"""Reads of safety education: the activity list, a school's coverage, the region's topic matrix, theme days.

Coverage reads are aggregates over ``ActivityTopic`` (one row per activity and topic): a fixed number of
queries whatever the number of schools or activities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Unit
from xiaoan.orgs.roles import UnitKind

from .models import SEED_TOPICS, ActivityTopic, EducationActivity, Topic
from .themedays import ThemeDay, theme_days, upcoming

VIEW = "education.educationactivity.view"
TOPIC_VIEW = "education.activitytopic.view"


def semester_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The school semester holding ``day``: spring 1 Feb – 31 Jul, autumn 1 Aug – 31 Jan."""
    if 2 <= day.month <= 7:
        return dt.date(day.year, 2, 1), dt.date(day.year, 7, 31)
    start_year = day.year if day.month >= 8 else day.year - 1
    return dt.date(start_year, 8, 1), dt.date(start_year + 1, 1, 31)


def activity_list(user: Any, filters: Mapping[str, Any] | None = None, action: str = "view") -> QuerySet:
    filters = filters or {}
    activities = EducationActivity.objects.for_user(user, action).select_related("unit")
    if filters.get("unit"):
        activities = activities.within(filters["unit"].path)
    if filters.get("topic"):
        activities = activities.filter(pk__in=ActivityTopic.objects.for_user(user, TOPIC_VIEW).filter(
            topic=filters["topic"]).values("activity_id"))  # fmt: skip
    if filters.get("form"):
        activities = activities.filter(form=filters["form"])
    if filters.get("date_from"):
        activities = activities.filter(date__gte=filters["date_from"])
    if filters.get("date_to"):
        activities = activities.filter(date__lte=filters["date_to"])
    text = (filters.get("q") or "").strip()
    if text:
        activities = activities.filter(Q(title__icontains=text) | Q(organiser__icontains=text))
    topics = ActivityTopic.objects.for_user(user, TOPIC_VIEW).order_by("pk")
    return activities.prefetch_related(Prefetch("topics", queryset=topics)).order_by("-date", "-pk")


@dataclass
class TopicCoverage:
    topic: str
    label: Any
    activities: int = 0
    last_date: dt.date | None = None
    is_seed: bool = False


@dataclass
class SchoolCoverage:
    school: Unit
    start: dt.date
    end: dt.date
    activities: int
    classes_reached: int
    headcount: int
    topics: list[TopicCoverage]

    @property
    def missing(self) -> list[TopicCoverage]:
        return [item for item in self.topics if item.is_seed and not item.activities]

    @property
    def covered(self) -> list[TopicCoverage]:
        return [item for item in self.topics if item.activities]


def school_coverage(user: Any, school: Unit, start: dt.date, end: dt.date) -> SchoolCoverage:
    """What one school taught between ``start`` and ``end``: per topic, activities and the last date."""
    activities = EducationActivity.objects.for_user(user).filter(unit=school, date__range=(start, end))
    totals = activities.aggregate(
        activities=Count("pk"),
        classes=Coalesce(Sum("classes_reached"), 0),
        headcount=Coalesce(Sum("headcount"), 0),
    )
    rows = (
        ActivityTopic.objects.for_user(user, TOPIC_VIEW)
        .filter(activity__unit=school, activity__date__range=(start, end))
        .order_by()
        .values("topic")
        .annotate(n=Count("activity", distinct=True), last=Max("activity__date"))
    )
    found = {row["topic"]: row for row in rows}
    labels = dict(Topic.choices)
    topics = []
    for value in Topic.values:
        row = found.get(value)
        seed = value in SEED_TOPICS
        if seed or row:
            topics.append(
                TopicCoverage(value, labels[value], row["n"] if row else 0, row["last"] if row else None, seed)
            )
    return SchoolCoverage(
        school, start, end, totals["activities"], totals["classes"], totals["headcount"], topics=topics
    )


@dataclass
class MatrixRow:
    unit: Unit
    schools: int
    cells: list[tuple[int, bool]] = field(default_factory=list)  # (schools covering, thin?) per topic


def region_matrix(user: Any, base: Unit, start: dt.date, end: dt.date) -> tuple[list[Any], list[MatrixRow]]:
    """For each unit directly below ``base`` and each topic: how many of its schools covered the topic.

    Three queries whatever the size of the region: the rows, schools per row, covering schools per row
    and topic (grouped on the row's path prefix).
    """
    width = len(base.path) + PATH_SEGMENT_WIDTH + 1
    children = list(Unit.objects.for_user(user).filter(parent=base, is_active=True).order_by("kind", "path"))
    school_counts = dict(
        Unit.objects.for_user(user)
        .within(base.path)
        .filter(kind=UnitKind.SCHOOL, is_active=True)
        .exclude(pk=base.pk)
        .annotate(branch=Substr("path", 1, width))
        .order_by()
        .values("branch")
        .annotate(n=Count("pk"))
        .values_list("branch", "n")
    )
    covering = (
        ActivityTopic.objects.for_user(user, TOPIC_VIEW)
        .within(base.path)
        .filter(activity__date__range=(start, end), activity__unit__is_active=True)
        .annotate(branch=Substr("activity__unit__path", 1, width))
        .order_by()
        .values("branch", "topic")
        .annotate(n=Count("activity__unit", distinct=True))
        .values_list("branch", "topic", "n")
    )
    counts = {(branch, topic): n for branch, topic, n in covering}
    thin_percent = get_rule("education.thin_coverage_percent", on=end)
    topics = [(value, label) for value, label in Topic.choices if value in SEED_TOPICS]
    topics += [(value, label) for value, label in Topic.choices if value not in SEED_TOPICS]
    topics = [(value, label) for value, label in topics if value in SEED_TOPICS or any(t == value for _b, t in counts)]
    rows = []
    for child in children:
        schools = school_counts.get(child.path, 0)
        if not schools:
            continue
        cells = []
        for value, _label in topics:
            n = counts.get((child.path, value), 0)
            cells.append((n, n * 100 < thin_percent * schools))
        rows.append(MatrixRow(child, schools, cells))
    return topics, rows


def enabled_theme_days(year: int, on: dt.date | None = None) -> list[ThemeDay]:
    day = on or dt.date(year, 1, 1)
    return theme_days(
        year,
        keys=get_rule("education.theme_days", on=day),
        march_method=get_rule("education.safety_day_method", on=day),
    )


def upcoming_theme_days(today: dt.date) -> list[ThemeDay]:
    return upcoming(
        today,
        get_rule("education.theme_day_horizon_days", on=today),
        keys=get_rule("education.theme_days", on=today),
        march_method=get_rule("education.safety_day_method", on=today),
    )


def theme_day_rows(rows: QuerySet, theme_day: ThemeDay, window_days: int) -> QuerySet:
    """Narrow topic rows to those that count for ``theme_day``: a matching topic (any, if the day names
    none) on a date within ``window_days`` of the day (or of the month)."""
    start = theme_day.start - dt.timedelta(days=window_days)
    end = theme_day.end + dt.timedelta(days=window_days)
    rows = rows.filter(activity__date__range=(start, end))
    if theme_day.topics:
        rows = rows.filter(topic__in=theme_day.topics)
    return rows


def theme_days_done(user: Any, days: list[ThemeDay], school: Unit) -> set[str]:
    """The keys of ``days`` for which ``school`` already has a counting activity (one query per day, ≤ 8)."""
    window = get_rule("education.theme_day_window_days")
    own = ActivityTopic.objects.for_user(user, TOPIC_VIEW).filter(activity__unit=school)
    return {theme_day.key for theme_day in days if theme_day_rows(own, theme_day, window).exists()}
