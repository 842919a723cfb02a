from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def cell(column: Any, hazard: Any, today: dt.date) -> Any:
    """One ledger cell, as the xlsx and PDF show it."""
    return column.value(hazard, today)


@register.filter
def overdue_on(hazard: Any, today: dt.date) -> bool:
    return hazard.is_overdue_on(today)


@register.simple_tag(takes_context=True)
def drill_down(context: Any, unit: Any) -> str:
    """The current filters with the region narrowed to ``unit`` (county → school → hazards keep the filters)."""
    params: QueryDict = context["request"].GET.copy()
    params.pop("page", None)
    if unit.is_school:
        params["school"] = str(unit.pk)
    else:
        params["county"] = str(unit.pk)
        params.pop("school", None)
    return params.urlencode()


@register.filter
def age(supervision: Any, today: dt.date) -> int:
    """Days a supervision has been (or was) open."""
    return supervision.days_open(today)
