"""Home-page cards: a school's roster at a glance; pupils by stage for a bureau."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget
from xiaoan.orgs.roles import Stage, UnitKind

from . import selectors

BUREAUS = frozenset({UnitKind.CITY_BUREAU, UnitKind.COUNTY_BUREAU})


def render_school_roster(request: Any) -> str | None:
    summary = selectors.school_summary(request.user)
    if not summary["classes"] and not summary["pupils"]:
        return None
    return render_to_string("students/widgets/school_roster.html", summary, request=request)


def render_pupils_by_stage(request: Any) -> str | None:
    labels = dict(Stage.choices)
    rows = [
        {"stage": labels.get(row["unit__stage"], row["unit__stage"]), "pupils": row["pupils"]}
        for row in selectors.counts_by_stage(request.user)
    ]
    if not rows:
        return None
    total = sum(row["pupils"] for row in rows)
    return render_to_string("students/widgets/pupils_by_stage.html", {"rows": rows, "total": total}, request=request)


WIDGETS = [
    Widget(
        key="students.school_roster",
        render=render_school_roster,
        permission="students.schoolclass.view",
        order=30,
        kinds=frozenset({UnitKind.SCHOOL}),
    ),
    Widget(
        key="students.pupils_by_stage",
        render=render_pupils_by_stage,
        permission="students.overview",
        order=30,
        kinds=BUREAUS,
        shared=True,
    ),
]
