"""Periods an obligation is judged over: pure functions of a day (no database, no clock).

Kinds: calendar month, quarter, semester (spring and autumn; boundaries passed in, from the rules),
calendar year, and a rolling window of N days ending on the given day. Ends are inclusive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH, QUARTER, SEMESTER, YEAR, ROLLING = "month", "quarter", "semester", "year", "rolling"
KINDS = (MONTH, QUARTER, SEMESTER, YEAR, ROLLING)
SPRING_START = (2, 1)  # 春季学期 2-1 … 7-31
AUTUMN_START = (8, 1)  # 秋季学期 8-1 … 1-31 of the next year
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    key: str  # stable id within the kind: "2026-03", "2026-Q1", "2026-SP", "2026-AU", "2026", "R30"
    start: dt.date
    end: dt.date  # inclusive

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        return period_label(self)


def _month(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(MONTH, f"{day:%Y-%m}", start, following - ONE_DAY)


def _quarter(day: dt.date) -> Period:
    quarter = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * quarter - 2, 1)
    end = dt.date(day.year + 1, 1, 1) - ONE_DAY if quarter == 4 else dt.date(day.year, 3 * quarter + 1, 1) - ONE_DAY
    return Period(QUARTER, f"{day.year}-Q{quarter}", start, end)


def _semester(day: dt.date, spring: tuple[int, int], autumn: tuple[int, int]) -> Period:
    spring_start = dt.date(day.year, *spring)
    autumn_start = dt.date(day.year, *autumn)
    if day < spring_start:  # January: the autumn semester that began last year
        return Period(SEMESTER, f"{day.year - 1}-AU", dt.date(day.year - 1, *autumn), spring_start - ONE_DAY)
    if day < autumn_start:
        return Period(SEMESTER, f"{day.year}-SP", spring_start, autumn_start - ONE_DAY)
    return Period(SEMESTER, f"{day.year}-AU", autumn_start, dt.date(day.year + 1, *spring) - ONE_DAY)


def period_containing(
    kind: str,
    day: dt.date,
    *,
    spring: tuple[int, int] = SPRING_START,
    autumn: tuple[int, int] = AUTUMN_START,
    window_days: int = 30,
) -> Period:
    """The period of ``kind`` that ``day`` falls in (for a rolling window: the ``window_days`` ending on it)."""
    if kind == MONTH:
        return _month(day)
    if kind == QUARTER:
        return _quarter(day)
    if kind == SEMESTER:
        if spring >= autumn:
            raise ValueError("The spring semester must start before the autumn semester in a calendar year")
        return _semester(day, spring, autumn)
    if kind == YEAR:
        return Period(YEAR, str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    if kind == ROLLING:
        if window_days < 1:
            raise ValueError("A rolling window is at least one day long")
        return Period(ROLLING, f"R{window_days}", day - dt.timedelta(days=window_days - 1), day)
    raise ValueError(f"Unknown period kind {kind!r}")


def previous_period(period: Period, **options: int | tuple[int, int]) -> Period:
    """The period just before ``period`` (for a rolling window: the window ending the day before it starts)."""
    if period.kind == ROLLING:
        window = (period.end - period.start).days + 1
        return Period(ROLLING, f"R{window}-prev", period.start - dt.timedelta(days=window), period.start - ONE_DAY)
    return period_containing(period.kind, period.start - ONE_DAY, **options)  # type: ignore[arg-type]


def parse_month_day(text: str) -> tuple[int, int]:
    """ "02-01" → (2, 1); the semester boundaries are stored as text rules."""
    month, day = (int(part) for part in str(text).strip().split("-"))
    dt.date(2000, month, day)  # raises ValueError for impossible dates (2000 is a leap year: 02-29 allowed)
    return month, day


def period_label(period: Period) -> str:
    if period.kind == MONTH:
        return _("%(year)d年%(month)d月") % {"year": period.start.year, "month": period.start.month}
    if period.kind == QUARTER:
        return _("%(year)d年第%(quarter)s季度") % {"year": period.start.year, "quarter": period.key[-1]}
    if period.kind == SEMESTER:
        if period.key.endswith("SP"):
            return _("%(year)d年春季学期") % {"year": period.start.year}
        return _("%(year)d年秋季学期") % {"year": period.start.year}
    if period.kind == YEAR:
        return _("%(year)d年") % {"year": period.start.year}
    return _("%(start)s 至 %(end)s") % {"start": period.start.isoformat(), "end": period.end.isoformat()}
