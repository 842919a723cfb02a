"""Reads of risk points: the filtered list, counts by colour (one query), the distribution per unit below.

Every function starts from ``for_user`` or from a queryset the caller got from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Membership, Unit, User

from .models import LEVEL_ORDER, RiskLevel, RiskPoint

SEVERITY = Case(
    *[When(level=level, then=Value(rank)) for rank, level in enumerate(LEVEL_ORDER)],
    default=Value(len(LEVEL_ORDER)),
    output_field=IntegerField(),
)


def risk_point_list(
    user: Any, filters: Mapping[str, Any] | None = None, *, action: str = "view", today: dt.date | None = None
) -> QuerySet[RiskPoint]:
    """The risk points a user may see, most severe first, narrowed by the list filters."""
    filters = filters or {}
    today = today or timezone.localdate()
    points = RiskPoint.objects.for_user(user, action).select_related("unit", "responsible")
    unit = filters.get("unit")
    if unit:
        points = points.within(unit.path)
    if filters.get("level"):
        points = points.filter(level=filters["level"])
    if filters.get("kind"):
        points = points.filter(kind=filters["kind"])
    text = (filters.get("q") or "").strip()
    if text:
        points = points.filter(Q(name__icontains=text) | Q(place__icontains=text))
    person = (filters.get("responsible") or "").strip()
    if person:
        points = points.filter(
            Q(responsible__full_name__icontains=person)
            | Q(responsible__username__iexact=person)
            | Q(responsible_post__icontains=person)
        )
    if filters.get("overdue"):
        points = points.filter(review_due__lt=today)
    return points.order_by(SEVERITY, "unit__path", "name", "pk")


def level_counts(points: QuerySet[RiskPoint], *, today: dt.date | None = None) -> dict[str, int]:
    """Counts per level, the total and the overdue reviews of an (already scoped) queryset: one query."""
    today = today or timezone.localdate()
    aggregates: dict[str, Any] = {level: Count("pk", filter=Q(level=level)) for level in LEVEL_ORDER}
    aggregates["total"] = Count("pk")
    aggregates["overdue"] = Count("pk", filter=Q(review_due__lt=today))
    return points.order_by().aggregate(**aggregates)


def distribution_below(user: Any, unit: Unit) -> list[dict[str, Any]]:
    """Per unit directly below ``unit`` (counties, or schools): its counts per level. Two queries."""
    width = PATH_SEGMENT_WIDTH + 1
    prefix_length = (unit.depth + 2) * width
    points = RiskPoint.objects.for_user(user).within(unit.path)
    rows = (
        points.order_by()
        .annotate(branch=Substr("unit__path", 1, prefix_length))
        .values("branch")
        .annotate(**{level: Count("pk", filter=Q(level=level)) for level in LEVEL_ORDER}, total=Count("pk"))
    )
    by_branch = {row["branch"]: row for row in rows}
    units = Unit.objects.for_user(user).filter(path__in=list(by_branch)).order_by("path")
    return [{"unit": child, **by_branch[child.path]} for child in units]


def chart_data(counts: Mapping[str, int], below: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ECharts pie and stacked bar need (labels translated here, numbers as they are)."""
    levels = [{"key": level.value, "name": str(level.label), "value": counts[level.value]} for level in RiskLevel]
    return {
        "levels": levels,
        "units": [str(row["unit"].short_name or row["unit"].name) for row in below],
        "series": {level.value: [row[level.value] for row in below] for level in RiskLevel},
    }


def responsible_choices(user: Any, unit: Unit) -> QuerySet[User]:
    """People with an active post at ``unit`` whom the user can see: the candidates for a responsible person."""
    posts = Membership.objects.for_user(user).filter(unit=unit, is_active=True).values("user_id")
    return User.objects.filter(pk__in=posts, is_active=True).order_by("full_name", "username")


def school_choices(user: Any) -> QuerySet[Unit]:
    return Unit.objects.for_user(user).filter(kind="school").order_by("path")


def level_rows(counts: Mapping[str, int]) -> list[tuple[RiskLevel, int]]:
    return [(level, counts[level.value]) for level in RiskLevel]
