"""Home-page widgets of the org tree: what lies below the active unit, or the user's own school."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget

from . import selectors
from .roles import UnitKind

BUREAUS = frozenset({UnitKind.CITY_BUREAU, UnitKind.COUNTY_BUREAU})


def _active_unit(request: Any):
    membership = getattr(request, "membership", None)
    return membership.unit if membership else None


def render_units_below(request: Any) -> str | None:
    unit = _active_unit(request)
    if unit is None or unit.is_school:
        return None
    totals = selectors.units_below(request.user, unit)
    if not totals["counties"] and not totals["schools"]:
        return None
    return render_to_string("orgs/widgets/units_below.html", {"unit": unit, "totals": totals}, request=request)


def render_my_school(request: Any) -> str | None:
    unit = _active_unit(request)
    if unit is None or not unit.is_school:
        return None
    return render_to_string("orgs/widgets/my_school.html", {"unit": unit}, request=request)


def render_people_below(request: Any) -> str | None:
    unit = _active_unit(request)
    if unit is None:
        return None
    counts = selectors.people_below(request.user, unit)
    if not counts["roles"]:
        return None
    return render_to_string("orgs/widgets/people_below.html", {"unit": unit, **counts}, request=request)


WIDGETS = [
    Widget(
        key="orgs.units_below",
        render=render_units_below,
        permission="orgs.unit.view",
        order=10,
        kinds=BUREAUS,
        shared=True,
    ),
    Widget(
        key="orgs.my_school",
        render=render_my_school,
        permission="orgs.unit.view",
        order=10,
        kinds=frozenset({UnitKind.SCHOOL}),
    ),
    Widget(key="orgs.people_below", render=render_people_below, permission="orgs.user.overview", order=20, shared=True),
]
