"""Home-page widget: the risk points in scope by colour, and the overdue reviews."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget

from . import selectors
from .models import RiskPoint


def render_risk_colours(request: Any) -> str | None:
    counts = selectors.level_counts(RiskPoint.objects.for_user(request.user))
    if not counts["total"]:
        return None
    context = {"counts": counts, "levels": selectors.level_rows(counts)}
    return render_to_string("risks/widgets/risk_colours.html", context, request=request)


WIDGETS = [
    Widget(key="risks.colours", render=render_risk_colours, permission="risks.riskpoint.view", order=30, shared=True)
]
