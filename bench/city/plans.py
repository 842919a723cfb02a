"""Pure, deterministic plans of the synthetic city (no database): names, shares, the school calendar."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文辉力玉兰红梅鹏飞雪琳浩宇子涵梓萱一诺欣怡佳豪俊熙思远雨桐可馨"  # noqa: E501
SCHOOL_YEARS = 3  # the current school year and the two before it
# teaching weeks (patrols) run inside these windows; the months between are holidays
AUTUMN_TERM = ((9, 1), (1, 15))
SPRING_TERM = ((2, 20), (7, 5))


@dataclass(frozen=True)
class School:
    id: int
    path: str
    stage: str
    headcount: int
    staff: int = 0
    buses: bool = False
    boarding: bool = False
    parent_id: int | None = None


def rng_for(seed: int, purpose: str, key: object = "") -> random.Random:
    """An independent random stream per (seed, purpose, key): a school's rows come out the same whichever
    other schools or steps run, and two passes over one school can replay the same draws."""
    return random.Random(f"{seed}:{purpose}:{key}")


def spread(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), every share ≥ 1 when total allows."""
    if not weights:
        return []
    weights = [w or 1 for w in weights]  # a school without a recorded headcount still gets its share
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    shares = [math.floor(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def person_name(rng: random.Random, surname: str | None = None) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return (surname or rng.choice(SURNAMES)) + given


def school_year_of(day: dt.date) -> int:
    """The year a school year starts in (September): 2026-12-04 → 2026, 2027-03-01 → 2026."""
    return day.year if day.month >= 8 else day.year - 1


def first_day(today: dt.date, years: int = SCHOOL_YEARS) -> dt.date:
    """1 September of the first of the ``years`` school years that end with the current one."""
    return dt.date(school_year_of(today) - years + 1, 9, 1)


def month_starts(start: dt.date, today: dt.date) -> list[dt.date]:
    """The first day of every month from ``start``'s month to ``today``'s, oldest first."""
    months, day = [], start.replace(day=1)
    while day <= today:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def in_term(day: dt.date) -> bool:
    """Whether ``day`` falls in a teaching term (autumn 1 Sep – 15 Jan, spring 20 Feb – 5 Jul)."""
    md = (day.month, day.day)
    autumn = md >= AUTUMN_TERM[0] or md <= AUTUMN_TERM[1]
    return autumn or SPRING_TERM[0] <= md <= SPRING_TERM[1]


def teaching_weeks(start: dt.date, today: dt.date) -> list[dt.date]:
    """The Mondays of the teaching weeks from ``start`` to ``today``'s week (a week counts when its Monday is
    in a term)."""
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday <= today:
        if monday >= start - dt.timedelta(days=6) and in_term(monday):
            weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def semesters(start: dt.date, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The semesters from ``start`` to today (autumn 1 Aug – 31 Jan, spring 1 Feb – 31 Jul, the compliance
    engine's default calendar), the last one cut at ``today``."""
    found: list[tuple[dt.date, dt.date]] = []
    year = school_year_of(start)
    while True:
        for first, last in (
            (dt.date(year, 8, 1), dt.date(year + 1, 1, 31)),
            (dt.date(year + 1, 2, 1), dt.date(year + 1, 7, 31)),
        ):
            if first > today:
                return found
            if last >= start:
                found.append((max(first, start), min(last, today)))
        year += 1


def pick(rng: random.Random, shares: tuple[tuple[str, int], ...]) -> str:
    """One value of ``(value, share per thousand)`` pairs; the first when the shares do not reach the draw."""
    draw = rng.randrange(1000)
    for value, share in shares:
        if draw < share:
            return value
        draw -= share
    return shares[0][0]


def moment(day: dt.date, hour: int, minute: int, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
