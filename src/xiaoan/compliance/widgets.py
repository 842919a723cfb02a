"""Home-page widgets: a school sees its own standing; a bureau sees the schools that missed last period."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from xiaoan.core.registry import Widget
from xiaoan.orgs.roles import UnitKind

from . import selectors

PERMISSION = "compliance.compliancestatus.view"


def render_school_standing(request: Any) -> str | None:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.unit.is_school:
        return None
    counts = selectors.status_counts(request.user, membership.unit, timezone.localdate())
    if not any(counts.values()):
        return None
    return render_to_string("compliance/widgets/school.html", {"counts": counts}, request=request)


def render_missed_below(request: Any) -> str | None:
    membership = getattr(request, "membership", None)
    if membership is None or membership.unit.is_school:
        return None
    total, schools = selectors.schools_that_missed(request.user, timezone.localdate())
    if not total:
        return None
    context = {"total": total, "schools": schools}
    return render_to_string("compliance/widgets/missed.html", context, request=request)


WIDGETS = [
    Widget(
        key="compliance.school",
        render=render_school_standing,
        permission=PERMISSION,
        order=30,
        kinds=frozenset({UnitKind.SCHOOL}),
    ),
    Widget(
        key="compliance.missed",
        render=render_missed_below,
        permission=PERMISSION,
        order=30,
        kinds=frozenset({UnitKind.CITY_BUREAU, UnitKind.COUNTY_BUREAU}),
        shared=True,
    ),
]
