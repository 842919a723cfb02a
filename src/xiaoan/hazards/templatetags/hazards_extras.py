from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def cell(column: Any, hazard: Any, today: dt.date) -> Any:
    """One ledger cell, as the xlsx and PDF show it."""
    return column.value(hazard, today)


@register.simple_tag
def select_options(field: Any) -> SafeString:
    """The ``<option>``s of a filter drop-down, built in Python: a city user's school list has hundreds of entries,
    and a template loop over them was most of the list page's time."""
    current = str(field.value())
    choices = field.field.widget.choices
    rows = ((value, " selected" if str(value) == current else "", label) for value, label in choices)
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)


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
