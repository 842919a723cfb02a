"""Training for three school years: every school's annual all-staff fire training (its accounts and most of its
named staff, the same people each year), bus-crew training where buses run, and each county's courses for the
schools' safety officers and for canteen staff, with certificates that run out.

Sessions are few and planned first; their attendees (hundreds of thousands) are generated per session from
the session's own random stream while the COPY streams, so they are never all in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from .plans import School, person_name, rng_for, school_year_of
from .staff import Posts

ATTENDANCE = 0.85
RECORD_COLUMNS = ("session_id", "user_id", "name", "id_number", "person_key", "certificate_no", "certificate_expiry")
SESSION_COLUMNS = ("id", "unit_id", "title", "category", "date", "hours", "provider", "is_fire_training",
                   "recorded_by_id")  # fmt: skip


@dataclass(frozen=True)
class Course:
    key: str
    title: str
    category: str
    hours: Decimal
    provider: str
    fire: bool
    month_day: tuple[int, int]  # when in the school year (September first)


FIRE = Course("fire", "全员消防安全培训", "all_staff", Decimal(2), "辖区消防救援站", True, (10, 15))
BUS = Course("bus", "校车驾驶人和照管员安全培训", "bus_staff", Decimal(4), "县交通运输局", False, (3, 10))
MANAGERS = Course("managers", "学校安全管理人员培训班", "safety_manager", Decimal(16), "南阳市教育局安全稳定科", False,
                  (11, 20))  # fmt: skip
CANTEEN = Course("canteen", "食堂从业人员食品安全培训", "food_service", Decimal(8), "县市场监督管理局", False, (4, 15))


@dataclass(frozen=True)
class Session:
    id: int
    unit_id: int
    course: Course
    date: dt.date
    year: int


def course_day(course: Course, year: int) -> dt.date:
    """The course's day in the school year starting in September of ``year``."""
    month, day = course.month_day
    return dt.date(year if month >= 9 else year + 1, month, day)


def sessions(schools: list[School], bureaus: list[int], today: dt.date, first_id: int) -> list[Session]:
    """Every session held so far in the three school years, ids in order."""
    planned = []
    for year in range(school_year_of(today) - 2, school_year_of(today) + 1):
        for school in schools:
            planned.append((school.id, FIRE, year))
            if school.buses:
                planned.append((school.id, BUS, year))
        for bureau in bureaus:
            planned += [(bureau, MANAGERS, year), (bureau, CANTEEN, year)]
    held = [(unit, course, year) for unit, course, year in planned if course_day(course, year) <= today]
    return [
        Session(first_id + i, unit, course, course_day(course, year), year)
        for i, (unit, course, year) in enumerate(held)
    ]


def person_key(user_id: int | None, name: str, id_number: str) -> str:
    """As ``TrainingRecord.key_for``: one person across sessions."""
    return f"u:{user_id}" if user_id else f"n:{name.strip()}|{id_number.strip().upper()}"


def staff_roster(seed: int, school: School, accounts: int) -> list[tuple[str, str]]:
    """(name, staff number) of a school's staff without an account: the same people every year."""
    rng = rng_for(seed, "staff-names", school.id)
    return [(person_name(rng), f"{school.id:05d}{k:04d}") for k in range(max(0, school.staff - accounts))]


def attendees(
    session: Session, seed: int, school: School | None, accounts: list[tuple[int, str]], officers: list[tuple[int, str]]
) -> Iterator[tuple[int | None, str, str, str, dt.date | None]]:
    """(user, name, id number, certificate, expiry) of each attendee of a session."""
    rng = rng_for(seed, "training", session.id)
    course = session.course
    if course is FIRE and school is not None:
        for user_id, name in accounts:
            yield user_id, name, "", "", None
        for name, number in staff_roster(seed, school, len(accounts)):
            if rng.random() < ATTENDANCE:
                yield None, name, number, "", None
    elif course is MANAGERS:
        for user_id, name in officers:
            yield (
                user_id,
                name,
                "",
                f"AQ{session.id:06d}{user_id % 10000:04d}",
                session.date + dt.timedelta(days=3 * 365),
            )
    else:
        crew, prefix, years = (rng.randint(2, 4), "XC", 2) if course is BUS else (rng.randint(8, 15), "JK", 1)
        expiry = session.date + dt.timedelta(days=365 * years)
        for k in range(crew):
            number = f"{session.unit_id:05d}{session.year % 100:02d}{k:02d}"
            yield None, person_name(rng), number, f"{prefix}{session.id:06d}{k:02d}", expiry


def write_training(schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date) -> dict[str, int]:
    from xiaoan.orgs.models import User
    from xiaoan.training.models import TrainingRecord, TrainingSession

    from ..copying import copy_rows, next_id, sync_sequence

    bureaus = sorted({school.parent_id for school in schools if school.parent_id is not None})
    planned = sessions(schools, bureaus, today, next_id(TrainingSession))
    names = dict(User.objects.values_list("id", "full_name"))
    by_id = {school.id: school for school in schools}

    def accounts(unit_id: int) -> list[tuple[int, str]]:
        unit = posts.get(unit_id, Posts())
        ids = dict.fromkeys(i for i in (unit.leader, unit.officer, unit.staff, unit.guard) if i is not None)
        return [(user_id, names.get(user_id) or f"教职工{user_id}") for user_id in ids]

    officers: dict[int, list[tuple[int, str]]] = {}
    for school in schools:
        officer = posts.get(school.id, Posts()).officer
        if officer is not None and school.parent_id is not None:
            officers.setdefault(school.parent_id, []).append((officer, names.get(officer) or f"安全专干{officer}"))

    def session_rows() -> Iterator[tuple]:
        for s in planned:
            c = s.course
            yield (
                s.id,
                s.unit_id,
                c.title,
                c.category,
                s.date,
                c.hours,
                c.provider,
                c.fire,
                posts.get(s.unit_id, Posts()).manager,
            )

    def record_rows() -> Iterator[tuple]:
        for s in planned:
            seen: set[str] = set()  # one record per person and session (a user may hold two posts)
            for user_id, name, number, certificate, expiry in attendees(
                s, seed, by_id.get(s.unit_id), accounts(s.unit_id), officers.get(s.unit_id, [])
            ):
                key = person_key(user_id, name, number)
                if key not in seen:
                    seen.add(key)
                    yield s.id, user_id, name, number, key, certificate, expiry

    counts = {"training sessions": copy_rows(TrainingSession, SESSION_COLUMNS, session_rows())}
    sync_sequence(TrainingSession)
    counts["training records"] = copy_rows(TrainingRecord, RECORD_COLUMNS, record_rows())
    return counts
