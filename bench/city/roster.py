"""The roster: classes, pupils, guardians (mobile numbers encrypted and hashed as the app stores them) and the
ties between them.

Three streaming passes over the schools instead of one pass that holds 6 million rows in memory: each school
has its own random streams, so the guardian pass replays the surnames and family sizes the pupil pass drew.
Guardian ids are two slots per pupil (mother, then father when there are two): the ties are then one
INSERT … SELECT over the guardians, and the unused slots are gaps in the id sequence, as deletions leave.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

from .plans import SURNAMES, School, person_name, rng_for, school_year_of, spread

GRADES_OF_STAGE = {
    "kindergarten": (-2, -1, 0),
    "primary": (1, 2, 3, 4, 5, 6),
    "junior": (7, 8, 9),
    "senior": (10, 11, 12),
    "nine_year": (1, 2, 3, 4, 5, 6, 7, 8, 9),
    "complete": (7, 8, 9, 10, 11, 12),
    "vocational": (10, 11, 12),
    "special": (1, 2, 3, 4, 5, 6, 7, 8, 9),
}
GUARDIAN_SLOTS = 2


def class_plan(school: School, pupils: int) -> list[tuple[int, int, int]]:
    """(grade, class number, pupils) for a school: pupils spread over its grades in classes of ≤ 45 (30)."""
    grades = GRADES_OF_STAGE.get(school.stage, (1,))
    size = 30 if school.stage == "kindergarten" else 45
    plan = []
    for grade, in_grade in zip(grades, spread(pupils, [1] * len(grades)), strict=True):
        if in_grade == 0:
            continue
        classes = math.ceil(in_grade / size)
        for number, count in enumerate(spread(in_grade, [1] * classes), start=1):
            plan.append((grade, number, count))
    return plan


@dataclass(frozen=True)
class Layout:
    """Where a school's rows start: its first class id and the index of its first pupil in the city."""

    school: School
    classes: list[tuple[int, int, int]]
    first_class: int
    first_pupil: int


def layout(schools: list[School], pupils: int, first_class: int) -> list[Layout]:
    """The class plan of every school (pupils spread by headcount) and the running offsets of its rows."""
    found, class_id, pupil_index = [], first_class, 0
    for school, count in zip(schools, spread(pupils, [s.headcount for s in schools]), strict=True):
        plan = class_plan(school, count)
        found.append(Layout(school, plan, class_id, pupil_index))
        class_id += len(plan)
        pupil_index += count
    return found


def family(seed: int, school_id: int, pupils: int, two_share: float) -> Iterator[tuple[str, bool]]:
    """(surname, has two guardians) per pupil of a school — the stream both the pupil and guardian passes read."""
    rng = rng_for(seed, "family", school_id)
    for _ in range(pupils):
        yield rng.choice(SURNAMES), rng.random() < two_share


def class_rows(plan: list[Layout], labels: dict[int, str], year: int) -> Iterator[tuple]:
    for school in plan:
        for offset, (grade, number, _size) in enumerate(school.classes):
            yield (
                school.first_class + offset,
                school.school.id,
                year,
                grade,
                number,
                f"{labels[grade]}{number}班",
                True,
            )


def pupil_rows(plan: list[Layout], seed: int, two_share: float, first_pupil: int) -> Iterator[tuple]:
    for school in plan:
        count = sum(size for _grade, _number, size in school.classes)
        names = rng_for(seed, "pupils", school.school.id)
        surnames = family(seed, school.school.id, count, two_share)
        pupil_id, serial = first_pupil + school.first_pupil, 0
        for offset, (_grade, _number, size) in enumerate(school.classes):
            class_id = school.first_class + offset
            for _ in range(size):
                surname, _two = next(surnames)
                serial += 1
                yield (pupil_id, school.school.id, class_id, person_name(names, surname), names.choice("MF"),
                       f"XS{serial:06d}", "enrolled")  # fmt: skip
                pupil_id += 1


def guardian_rows(plan: list[Layout], seed: int, two_share: float, first_guardian: int) -> Iterator[tuple]:
    from xiaoan.core.crypto import encrypt
    from xiaoan.students.identity import mobile_hash

    for school in plan:
        count = sum(size for _grade, _number, size in school.classes)
        names = rng_for(seed, "guardians", school.school.id)
        slot = first_guardian + GUARDIAN_SLOTS * school.first_pupil
        for surname, two in family(seed, school.school.id, count, two_share):
            parents = ((slot, None), (slot + 1, surname)) if two else ((slot, None),)
            for guardian_id, name_surname in parents:
                mobile = f"170{guardian_id % 100_000_000:08d}"
                yield (guardian_id, school.school.id, person_name(names, name_surname), encrypt(mobile),
                       mobile_hash(mobile))  # fmt: skip
            slot += GUARDIAN_SLOTS


def write_roster(schools: list[School], pupils: int, two_share: float, seed: int, today: dt.date) -> dict[str, int]:
    from django.db import connection
    from django.utils import translation

    from xiaoan.students.grades import GRADE_LABELS
    from xiaoan.students.models import Guardian, Guardianship, Pupil, SchoolClass

    from ..copying import copy_rows, execute, filler, load_window, next_id, sync_sequence, table

    with translation.override("zh-hans"):
        labels = {grade: str(label) for grade, label in GRADE_LABELS.items()}
    plan = layout(schools, pupils, next_id(SchoolClass))
    first_pupil, first_guardian = next_id(Pupil), next_id(Guardian)
    ship_columns = ["pupil_id", "guardian_id", "relation", "is_primary", "order"]
    extra, values = filler(Guardianship, ship_columns)
    names = ", ".join(connection.ops.quote_name(column) for column in [*ship_columns, *extra])
    with load_window(SchoolClass, Pupil, Guardian, Guardianship):
        counts = {
            "classes": copy_rows(SchoolClass, ("id", "unit_id", "school_year", "grade", "number", "name", "is_active"),
                                 class_rows(plan, labels, school_year_of(today))),
            "pupils": copy_rows(Pupil, ("id", "unit_id", "school_class_id", "name", "gender", "student_number",
                                        "status"), pupil_rows(plan, seed, two_share, first_pupil)),
            "guardians": copy_rows(Guardian, ("id", "unit_id", "name", "mobile", "mobile_hash"),
                                   guardian_rows(plan, seed, two_share, first_guardian)),
        }  # fmt: skip
        counts["guardianships"] = execute(
            f"INSERT INTO {table(Guardianship)} ({names}) "  # noqa: S608
            f"SELECT %s + (g.id - %s) / {GUARDIAN_SLOTS}, g.id, "
            "CASE WHEN (g.id - %s) %% 2 = 0 THEN 'mother' ELSE 'father' END, (g.id - %s) %% 2 = 0, (g.id - %s) %% 2 + 1"
            + ", %s" * len(extra)
            + f" FROM {table(Guardian)} g WHERE g.id >= %s",
            [first_pupil, first_guardian, first_guardian, first_guardian, first_guardian, *values, first_guardian],
        )
    for model in (SchoolClass, Pupil, Guardian):
        sync_sequence(model)
    return counts
