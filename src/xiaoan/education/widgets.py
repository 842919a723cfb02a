"""Home-page widget: theme days coming up (and, for a school, whether it has held an activity for them)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from xiaoan.core.registry import Widget
from xiaoan.core.rules.services import get_rule

from . import selectors


def render_upcoming_theme_days(request: Any) -> str | None:
    membership = getattr(request, "membership", None)
    if membership is None:
        return None
    today = timezone.localdate()
    days = selectors.upcoming_theme_days(today)
    if not days:
        return None
    unit = membership.unit
    done = selectors.theme_days_done(request.user, days, unit) if unit.is_school else set()
    obliged = set(get_rule("education.theme_day_obligations", on=today))
    items = [(day, max(0, (day.start - today).days)) for day in days]
    context = {"days": items, "done": done, "obliged": obliged, "is_school": unit.is_school, "today": today}
    return render_to_string("education/widgets/upcoming_theme_days.html", context, request=request)


WIDGETS = [
    Widget(
        key="education.upcoming_theme_days",
        render=render_upcoming_theme_days,
        permission="education.educationactivity.view",
        order=40,
        shared=True,
    ),
]
