"""The safety-education theme-day calendar (安全教育主题日), computed for any year by pure functions.

Most days fall on a fixed date; the 全国中小学生安全教育日 is a Monday at the end of March and the
安全生产月 is all of June. Which days are in use, how the March Monday is found, and which days oblige
schools to hold an activity are rules (``education/rules.py``); these functions only do the calendar.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Topic

LAST_MONDAY = "last_monday"
LAST_FULL_WEEK = "last_full_week"


def last_monday_of_march(year: int) -> dt.date:
    """The last Monday in March: the date the Ministry has announced every year (e.g. 2023-03-27)."""
    march_31 = dt.date(year, 3, 31)
    return march_31 - dt.timedelta(days=march_31.weekday())


def monday_of_last_full_week_of_march(year: int) -> dt.date:
    """The Monday of the last Monday-to-Sunday week lying entirely within March."""
    march_31 = dt.date(year, 3, 31)
    last_sunday = march_31 - dt.timedelta(days=(march_31.weekday() + 1) % 7)
    return last_sunday - dt.timedelta(days=6)


def safety_education_day(year: int, method: str = LAST_MONDAY) -> dt.date:
    if method == LAST_FULL_WEEK:
        return monday_of_last_full_week_of_march(year)
    if method == LAST_MONDAY:
        return last_monday_of_march(year)
    raise ValueError(f"Unknown method {method!r}")


@dataclass(frozen=True)
class ThemeDayKind:
    """A recurring theme day: ``key`` (used in rules), its name, and the topics an activity for it covers.

    ``topics`` empty: any topic counts (the day's theme changes from year to year).
    """

    key: str
    name: Promise
    topics: tuple[str, ...]
    month: int = 0
    day: int = 0  # 0: the whole month (安全生产月); ignored for the March Monday


@dataclass(frozen=True)
class ThemeDay:
    """One occurrence in a given year: ``start``–``end`` inclusive (one day, or a month)."""

    kind: ThemeDayKind
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def name(self) -> Promise:
        return self.kind.name

    @property
    def topics(self) -> tuple[str, ...]:
        return self.kind.topics

    @property
    def is_month(self) -> bool:
        return self.start != self.end


SAFETY_EDUCATION_DAY = "safety_education_day"

KINDS: tuple[ThemeDayKind, ...] = (
    ThemeDayKind(SAFETY_EDUCATION_DAY, _("全国中小学生安全教育日"), (), month=3),
    ThemeDayKind("national_security_day", _("全民国家安全教育日"), (Topic.NATIONAL_SECURITY,), 4, 15),
    ThemeDayKind("disaster_prevention_day", _("全国防灾减灾日"), (Topic.NATURAL_DISASTER,), 5, 12),
    ThemeDayKind("work_safety_month", _("安全生产月"), (), 6, 0),
    ThemeDayKind("drowning_prevention_day", _("世界预防溺水日"), (Topic.DROWNING,), 7, 25),
    ThemeDayKind("disaster_reduction_day", _("国际减灾日"), (Topic.NATURAL_DISASTER,), 10, 13),
    ThemeDayKind("fire_safety_day", _("全国消防日"), (Topic.FIRE,), 11, 9),
    ThemeDayKind("traffic_safety_day", _("全国交通安全日"), (Topic.TRAFFIC,), 12, 2),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def occurrence(kind: ThemeDayKind, year: int, *, march_method: str = LAST_MONDAY) -> ThemeDay:
    if kind.key == SAFETY_EDUCATION_DAY:
        day = safety_education_day(year, march_method)
        return ThemeDay(kind, day, day)
    if kind.day == 0:
        last = calendar.monthrange(year, kind.month)[1]
        return ThemeDay(kind, dt.date(year, kind.month, 1), dt.date(year, kind.month, last))
    day = dt.date(year, kind.month, kind.day)
    return ThemeDay(kind, day, day)


def theme_days(year: int, *, keys: list[str] | None = None, march_method: str = LAST_MONDAY) -> list[ThemeDay]:
    """The theme days of ``year`` in date order (only ``keys`` when given; unknown keys are ignored)."""
    kinds = KINDS if keys is None else [KINDS_BY_KEY[key] for key in keys if key in KINDS_BY_KEY]
    return sorted((occurrence(kind, year, march_method=march_method) for kind in kinds), key=lambda d: d.start)


def upcoming(
    today: dt.date, horizon_days: int, *, keys: list[str] | None = None, march_method: str = LAST_MONDAY
) -> list[ThemeDay]:
    """Theme days that are on or not yet over and start within ``horizon_days`` of ``today`` (across New Year)."""
    last = today + dt.timedelta(days=horizon_days)
    days = [
        day
        for year in range(today.year, last.year + 1)
        for day in theme_days(year, keys=keys, march_method=march_method)
    ]
    return [day for day in days if day.end >= today and day.start <= last]
