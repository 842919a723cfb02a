"""Deterministic school records for the demo city: names, codes, headcounts, places.

Every county-level unit first gets the same core of eleven schools, one of every stage (that is the
demo scale); city scale continues with township schools and kindergartens in realistic proportions.
School identifiers are ``21`` + a 4-digit area number + a 4-digit serial, so they never collide: the
area number is the last four digits of the region code, ``1300`` for the city bureau's own schools and
``139n`` for the zones that have no region code (no GB/T 2260 code in Nanyang ends in 9x).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..roles import Stage, UnitKind
from .places import (
    CITY_CENTRE,
    CITY_SCHOOLS,
    KINDERGARTEN_BRANDS,
    STREETS,
    VILLAGE_PLACES,
    VILLAGE_SURNAMES,
    ZONE_AREAS,
    CountySpec,
)

LAT_RANGE = (32.40, 33.50)
LON_RANGE = (111.30, 113.50)

PUPILS: dict[str, tuple[int, int]] = {
    Stage.KINDERGARTEN: (100, 400),
    Stage.PRIMARY: (200, 2500),
    Stage.JUNIOR: (500, 3000),
    Stage.SENIOR: (1500, 5000),
    Stage.NINE_YEAR: (400, 2500),
    Stage.COMPLETE: (1500, 4500),
    Stage.VOCATIONAL: (800, 4000),
    Stage.SPECIAL: (60, 300),
}
PUPILS_PER_STAFF: dict[str, int] = {
    Stage.KINDERGARTEN: 8,
    Stage.PRIMARY: 18,
    Stage.JUNIOR: 13,
    Stage.SENIOR: 12,
    Stage.NINE_YEAR: 15,
    Stage.COMPLETE: 12,
    Stage.VOCATIONAL: 16,
    Stage.SPECIAL: 3,
}
BOARDING_CHANCE: dict[str, float] = {  # rural schools; town-seat schools board half as often
    Stage.JUNIOR: 0.6,
    Stage.SENIOR: 0.9,
    Stage.NINE_YEAR: 0.5,
    Stage.COMPLETE: 0.8,
    Stage.VOCATIONAL: 0.7,
    Stage.SPECIAL: 0.5,
}
BUS_CHANCE: dict[str, float] = {Stage.KINDERGARTEN: 0.25, Stage.PRIMARY: 0.3, Stage.NINE_YEAR: 0.3}
# Share of each stage among the schools beyond the core (city scale), per thousand.
STAGE_MIX = {
    Stage.KINDERGARTEN: 460,
    Stage.PRIMARY: 380,
    Stage.JUNIOR: 80,
    Stage.NINE_YEAR: 40,
    Stage.SENIOR: 15,
    Stage.COMPLETE: 8,
    Stage.VOCATIONAL: 12,
    Stage.SPECIAL: 5,
}
VOCATIONAL_TRADES = ("卫生", "农业", "工业", "商贸", "交通", "艺术", "信息工程", "旅游")
DIGITS = "零一二三四五六七八九"
CORE_SIZE = 11  # schools per county-level unit in demo scale (see core_schools)


@dataclass
class SchoolSpec:
    """One school or kindergarten, ready to become a ``Unit``."""

    name: str
    stage: str
    code: str
    pupils: int
    boarders: int
    staff_count: int
    runs_buses: bool
    address: str
    latitude: Decimal
    longitude: Decimal
    phone: str
    tag: str = ""  # marks a core school the builder looks for

    @property
    def is_boarding(self) -> bool:
        return self.boarders > 0

    def unit_fields(self) -> dict:
        return {
            "name": self.name,
            "kind": UnitKind.SCHOOL,
            "code": self.code,
            "stage": self.stage,
            "pupils": self.pupils,
            "boarders": self.boarders,
            "is_boarding": self.is_boarding,
            "staff_count": self.staff_count,
            "runs_buses": self.runs_buses,
            "address": self.address,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "phone": self.phone,
        }


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一; from 100 on, Arabic digits as schools write them."""
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    prefix = ("" if tens == 1 else DIGITS[tens]) + "十"
    return prefix + (DIGITS[ones] if ones else "")


def area_number(county: CountySpec | None) -> str:
    if county is None:
        return "1300"
    return county.code[2:] if len(county.code) == 6 else ZONE_AREAS[county.code]


class _Place:
    """Where a county's schools are: the town seat and an anchor point per township."""

    def __init__(self, rng: random.Random, region: str, centre: tuple[float, float], townships: tuple[str, ...]):
        self.rng = rng
        self.region = region
        self.centre = centre
        self.anchors = {}
        for town in townships:
            angle = rng.uniform(0, 6.283)
            radius = rng.uniform(0.06, 0.22)
            self.anchors[town] = (centre[0] + radius * math.sin(angle), centre[1] + radius * 1.2 * math.cos(angle))

    def address(self, town: str | None, village: str | None) -> str:
        base = "河南省" if self.region.startswith("南阳") else "河南省南阳市"
        if village:
            return f"{base}{self.region}{town}{village}村"
        return f"{base}{self.region}{town or ''}{self.rng.choice(STREETS)}{self.rng.randint(1, 399)}号"

    def point(self, town: str | None) -> tuple[Decimal, Decimal]:
        lat, lon = self.anchors[town] if town else self.centre
        spread = 0.02 if town else 0.03
        lat = min(max(lat + self.rng.uniform(-spread, spread), LAT_RANGE[0]), LAT_RANGE[1])
        lon = min(max(lon + self.rng.uniform(-spread, spread), LON_RANGE[0]), LON_RANGE[1])
        return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


class _Builder:
    """Turns (name, stage, town) into a full ``SchoolSpec`` with a fresh serial code."""

    def __init__(self, rng: random.Random, place: _Place, area: str):
        self.rng = rng
        self.place = place
        self.area = area
        self.serial = 0

    def make(self, name: str, stage: str, town: str | None, village: str | None = None, **extra) -> SchoolSpec:
        rng = self.rng
        self.serial += 1
        lo, hi = PUPILS[stage]
        mid = (lo + hi) // 2
        pupils = rng.randint(lo, mid) if town else rng.randint(mid, hi)
        chance = BOARDING_CHANCE.get(stage, 0.0) * (1.0 if town else 0.5)
        boarders = int(pupils * rng.uniform(0.3, 0.85)) if rng.random() < chance else 0
        buses = extra.pop("runs_buses", None)
        if buses is None:
            buses = bool(town) and rng.random() < BUS_CHANCE.get(stage, 0.0)
        latitude, longitude = self.place.point(town)
        return SchoolSpec(
            name=name,
            stage=stage,
            code=f"21{self.area}{self.serial:04d}",
            pupils=pupils,
            boarders=boarders,
            staff_count=max(6, round(pupils / PUPILS_PER_STAFF[stage])),
            runs_buses=buses,
            address=self.place.address(town, village),
            latitude=latitude,
            longitude=longitude,
            phone=f"0377-6{rng.randint(0, 9_999_999):07d}",
            **extra,
        )


def core_schools(county: CountySpec, builder: _Builder) -> list[SchoolSpec]:
    """One school of every stage, in the town seat and in the first townships."""
    p = county.school_prefix
    t0, t1, t2 = (county.townships * 3)[:3]
    make = builder.make
    return [
        make(f"{p}第一高级中学", Stage.SENIOR, None),
        make(f"{p}第一初级中学", Stage.JUNIOR, None),
        make(f"{p}{t1}初级中学", Stage.JUNIOR, t1),
        make(f"{p}第一小学", Stage.PRIMARY, None),
        make(f"{p}{t0}中心小学", Stage.PRIMARY, t0, runs_buses=True, tag="rural_primary"),
        make(f"{p}实验幼儿园", Stage.KINDERGARTEN, None),
        make(f"{p}{t0}中心幼儿园", Stage.KINDERGARTEN, t0),
        make(f"{p}{t2}九年一贯制学校", Stage.NINE_YEAR, t2),
        make(f"{p}实验中学", Stage.COMPLETE, None),
        make(f"{p}职业教育中心", Stage.VOCATIONAL, None),
        make(f"{p}特殊教育学校", Stage.SPECIAL, None),
    ]


def _more_schools(county: CountySpec, builder: _Builder, taken: set[str]) -> Iterator[SchoolSpec]:
    """An endless stream of further schools in realistic proportions (city scale)."""
    rng = builder.rng
    p = county.school_prefix
    stages = list(STAGE_MIX)
    weights = list(STAGE_MIX.values())
    numbers = dict.fromkeys(Stage, 1)  # the core already used 第一
    while True:
        stage = rng.choices(stages, weights)[0]
        urban = rng.random() < 0.2
        town = None if urban else rng.choice(county.townships)
        village = rng.choice(VILLAGE_SURNAMES) + rng.choice(VILLAGE_PLACES)
        if urban or stage in (Stage.SENIOR, Stage.COMPLETE):
            town = None
            numbers[stage] += 1
            n = chinese_number(numbers[stage])
            name = {
                Stage.KINDERGARTEN: f"{p}第{n}幼儿园",
                Stage.PRIMARY: f"{p}第{n}小学",
                Stage.JUNIOR: f"{p}第{n}初级中学",
                Stage.NINE_YEAR: f"{p}第{n}九年制学校",
                Stage.SENIOR: f"{p}第{n}高级中学",
                Stage.COMPLETE: f"{p}第{n}中学",
                Stage.VOCATIONAL: f"{p}{rng.choice(VOCATIONAL_TRADES)}职业技术学校",
                Stage.SPECIAL: f"{p}第{n}特殊教育学校",
            }[stage]
        else:
            brand = rng.choice(KINDERGARTEN_BRANDS)
            name = {
                Stage.KINDERGARTEN: f"{p}{town}{brand}幼儿园" if rng.random() < 0.5 else f"{p}{town}{village}幼儿园",
                Stage.PRIMARY: f"{p}{town}{village}小学",
                Stage.JUNIOR: f"{p}{town}第{chinese_number(rng.randint(2, 4))}初级中学",
                Stage.NINE_YEAR: f"{p}{town}{village}九年制学校",
                Stage.VOCATIONAL: f"{p}{town}职业技术学校",
                Stage.SPECIAL: f"{p}{town}启智学校",
            }[stage]
        if name in taken:
            continue
        taken.add(name)
        yield builder.make(name, stage, town, village if town else None)


def county_schools(county: CountySpec, count: int, rng: random.Random, taken: set[str]) -> list[SchoolSpec]:
    """``count`` schools of one county-level unit (at least the core of eleven)."""
    place = _Place(rng, county.region, county.centre, county.townships)
    builder = _Builder(rng, place, area_number(county))
    schools = core_schools(county, builder)
    taken.update(s.name for s in schools)
    more = _more_schools(county, builder, taken)
    while len(schools) < count:
        schools.append(next(more))
    return schools


def city_schools(rng: random.Random) -> list[SchoolSpec]:
    """The schools directly under the city bureau (局属学校), all in the city centre."""
    builder = _Builder(rng, _Place(rng, "卧龙区", CITY_CENTRE, ()), area_number(None))
    return [builder.make(name, stage, None) for name, stage in CITY_SCHOOLS]
