"""Periods of scheduled inspections: a day, an ISO week, a month or a semester, each with a stable key.

Semesters follow the city's semester start days, the same rules the compliance engine uses (春季学期 from
02-01, 秋季学期 from 08-01 by default); the autumn semester running into January belongs to the year it
started in ("2026-AU").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from xiaoan.core.rules.services import get_rule

from .models import Frequency


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        return period_label(self.key)


def semester_of(day: dt.date) -> Period:
    """The semester ``day`` falls in, by the city's semester start days (the compliance engine's rules)."""
    from xiaoan.compliance.periods import SEMESTER, parse_month_day, period_containing

    spring = parse_month_day(get_rule("compliance.spring_starts", on=day))
    autumn = parse_month_day(get_rule("compliance.autumn_starts", on=day))
    semester = period_containing(SEMESTER, day, spring=spring, autumn=autumn)
    return Period(semester.key, semester.start, semester.end)


def period_of(frequency: str, day: dt.date) -> Period:
    if frequency == Frequency.DAILY:
        return Period(day.isoformat(), day, day)
    if frequency == Frequency.WEEKLY:
        year, week, weekday = day.isocalendar()
        start = day - dt.timedelta(days=weekday - 1)
        return Period(f"{year}-W{week:02d}", start, start + dt.timedelta(days=6))
    if frequency == Frequency.MONTHLY:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return Period(f"{day:%Y-%m}", start, following - dt.timedelta(days=1))
    if frequency == Frequency.SEMESTER:
        return semester_of(day)
    raise ValueError(f"unknown frequency {frequency!r}")


def recent_periods(frequency: str, today: dt.date, count: int, since: dt.date | None = None) -> list[Period]:
    """The current period and up to ``count - 1`` before it, newest first, none before ``since``."""
    periods = [period_of(frequency, today)]
    while len(periods) < count:
        previous = period_of(frequency, periods[-1].start - dt.timedelta(days=1))
        if since is not None and previous.end < since:
            break
        periods.append(previous)
    return periods


def period_label(key: str) -> str:
    if key.endswith("-SP"):
        return _("%(year)s年春季学期") % {"year": key[:4]}
    if key.endswith("-AU"):
        return _("%(year)s年秋季学期") % {"year": key[:4]}
    if "-W" in key:
        year, week = key.split("-W")
        return _("%(year)s年第%(week)s周") % {"year": year, "week": int(week)}
    return key
