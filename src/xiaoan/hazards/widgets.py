"""Home-page widgets: open hazards by grade and state, and the overdue / supervised / on-time figures.
Each is one aggregate query; each figure links to the list with the matching filters (the drill-down)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget

from . import selectors
from .models import OPEN_STATES, Grade, State


def render_open_hazards(request: Any) -> str | None:
    table = selectors.open_by_grade_and_state(request.user)
    if not table:
        return None
    rows = []
    for state in OPEN_STATES:
        counts = table.get(state, {})
        if counts:
            rows.append(
                {
                    "state": state,
                    "label": State(state).label,
                    "major": counts.get(Grade.MAJOR, 0),
                    "general": counts.get(Grade.GENERAL, 0),
                    "ungraded": counts.get("ungraded", 0),
                }
            )
    return render_to_string("hazards/widgets/open_hazards.html", {"rows": rows}, request=request)


def render_hazard_figures(request: Any) -> str | None:
    figures = selectors.figures(request.user)
    if not any(figures.values()):
        return None
    return render_to_string("hazards/widgets/figures.html", {"figures": figures}, request=request)


WIDGETS = [
    Widget(key="hazards.open", render=render_open_hazards, permission="hazards.hazard.view", order=30, shared=True),
    Widget(
        key="hazards.figures", render=render_hazard_figures, permission="hazards.hazard.view", order=31, shared=True
    ),
]
