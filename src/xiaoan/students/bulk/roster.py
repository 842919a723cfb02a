"""The pupils of the roster import: matched, planned and written a chunk at a time."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.crypto import encrypt, keyed_hash
from xiaoan.core.errors import Conflict
from xiaoan.core.tabular.spec import ImportResult, ParsedRow

from ..grades import school_year_of
from ..identity import birth_date_of
from ..models import Guardian, Guardianship, MoveKind, Pupil, PupilMove, PupilStatus, Relation, SchoolClass
from .guardians import write_guardians
from .tables import (
    MOVE_INSERT,
    PUPIL_INSERT,
    PUPIL_UPDATE,
    allocate_ids,
    as_date,
    insert_rows,
    lookup,
    refresh_statistics,
    table,
    update_rows,
)

if TYPE_CHECKING:
    from ..imports import RosterImport

GUARDIAN_KEYS = tuple((f"guardian{n}_name", f"guardian{n}_relation", f"guardian{n}_mobile") for n in (1, 2))
# the columns the look-ups filter on, whose statistics must describe the rows the import itself writes
STATISTICS: dict[type[models.Model], Sequence[str]] = {
    Pupil: ("id", "unit_id", "name", "student_number", "id_number_hash"),
    Guardian: ("unit_id", "mobile_hash"),
    Guardianship: ("pupil_id",),
}

CHUNK_ROWS = 2_000
REASON = "the roster import writes into the uploader's school (checked by the framework)"


class Sealer:
    """Encryption and keyed hashes for the bulk writer, exactly as ``core.crypto`` does them for the fields."""

    def seal(self, plaintext: str) -> str:
        return encrypt(plaintext) if plaintext else ""

    def digest(self, prefix: str, value: str) -> str | None:
        return keyed_hash(prefix + value) if value else None


def chunks(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@dataclass(frozen=True)
class Existing:
    """What a chunk needs to know of a pupil already on the roll (no decryption needed)."""

    id: int
    id_number_hash: str | None
    student_number: str
    school_class_id: int | None
    class_name: str | None
    name: str
    date_of_birth: datetime.date | None
    gender: str
    status: str


@dataclass
class Chunk:
    """The writes one chunk of rows produces."""

    now: Any  # the time stamp of the chunk's rows, prepared for the database
    pupils_new: list[tuple] = field(default_factory=list)
    pupils_changed: list[tuple] = field(default_factory=list)
    pupils_changed_with_id: list[tuple] = field(default_factory=list)
    moves: list[tuple] = field(default_factory=list)
    guardians_of: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)  # pupil id -> (name, rel, mob)
    replaced: list[int] = field(default_factory=list)  # existing pupils the file names guardians for
    unchanged: set[int] = field(default_factory=set)


class RosterWriter:
    """Writes validated roster rows for one school, a chunk at a time; ``write`` returns the counts."""

    def __init__(
        self, *, spec: RosterImport, unit: Any, actor: Any, today: datetime.date, chunk_rows: int = CHUNK_ROWS
    ) -> None:
        self.spec, self.unit, self.actor, self.today = spec, unit, actor, today
        self.chunk_rows = chunk_rows
        self.sealer = Sealer()
        self.result = ImportResult()
        self.year = school_year_of(today)
        self.classes = {
            c.name: c.pk for c in SchoolClass.objects.system(REASON).filter(unit=unit, school_year=self.year)
        }
        self.roll_end = roll_end(unit)

    def write(self, rows: Iterable[ParsedRow]) -> ImportResult:
        written, statistics_at = 0, self.chunk_rows
        try:
            for chunk in chunks(rows, self.chunk_rows):
                self._write_chunk(chunk)
                written += len(chunk)
                if written >= statistics_at:  # after the first chunk, then each time the rows written double
                    refresh_statistics(STATISTICS)
                    statistics_at = 2 * written
        except IntegrityError:
            raise Conflict(
                _(
                    "名册中的学号或身份证号与本校另一名学生相同，未写入任何数据。"
                    " A student or ID number in the file belongs to another pupil of the school; nothing was imported."
                )
            ) from None
        return self.result

    def _class_ids(self, rows: list[ParsedRow]) -> list[int]:
        """The class of each row; classes the school does not have yet this school year are added in one go."""
        named = [self.spec.class_of(row) for row in rows]
        missing: dict[str, int] = {}
        for grade_and_name in named:
            assert grade_and_name is not None  # refused in validate_row
            if grade_and_name[1] not in self.classes:
                missing[grade_and_name[1]] = grade_and_name[0]
        if missing:
            added = [self.spec.new_class(unit=self.unit, year=self.year, grade=g, name=n) for n, g in missing.items()]
            for school_class in SchoolClass.objects.bulk_create(added):
                self.classes[school_class.name] = school_class.pk
        return [self.classes[name] for _grade, name in named]  # type: ignore[misc]

    def _existing(self, key: str, values: set[str], extra: str = "") -> list[Existing]:
        """Pupils the school had before the import whose ``key`` column is one of ``values``, with their class's name
        (of whichever school year), ordered by name and id as the roll lists them. Rows are matched against the roll
        as it was, never against pupils an earlier chunk of the same file added: those the file repeats are refused
        before anything is written, so every chunk is matched the same way."""
        if self.roll_end is None:
            return []  # a new roster: nothing to look up
        rows = lookup(
            "SELECT p.id, p.id_number_hash, p.student_number, p.school_class_id, c.name AS class_name, p.name,"  # noqa: S608
            f" p.date_of_birth, p.gender, p.status FROM {table(Pupil)} p"
            f" LEFT JOIN {table(SchoolClass)} c ON c.id = p.school_class_id"
            f" WHERE p.unit_id = %s AND p.id <= %s{extra} AND p.{key} {{key}}",
            values,
            [self.unit.pk, self.roll_end],
        )
        found = [
            Existing(pupil_id, digest, number, class_id, class_name, name, as_date(birth), gender, status)
            for pupil_id, digest, number, class_id, class_name, name, birth, gender, status in rows
        ]
        return sorted(found, key=lambda pupil: (pupil.name, pupil.id))

    def _by_numbers(self, digests: set[str], numbers: set[str]) -> tuple[dict[str, Existing], dict[str, Existing]]:
        """The pupils the chunk names by ID number and by student number: one index probe per number (the student
        number's unique index covers non-empty numbers only, so the query says so)."""
        by_id = {pupil.id_number_hash or "": pupil for pupil in self._existing("id_number_hash", digests)}
        found = self._existing("student_number", numbers, " AND p.student_number <> ''")
        return by_id, {pupil.student_number: pupil for pupil in found}

    def _by_class(self, names: set[str]) -> dict[tuple, Existing]:
        """Pupils in a class with one of ``names`` (index on school + name), keyed by class name, name and birth."""
        found = self._existing("name", names, " AND p.school_class_id IS NOT NULL")
        return {(pupil.class_name, pupil.name, pupil.date_of_birth): pupil for pupil in found}

    def _write_chunk(self, rows: list[ParsedRow]) -> None:
        class_ids = self._class_ids(rows)
        digests = [self.sealer.digest("id:", row.get("id_number") or "") for row in rows]
        numbers = {row["student_number"] for row in rows if row.get("student_number")}
        by_id, by_number = self._by_numbers({digest for digest in digests if digest}, numbers)
        class_names = {pk: name for name, pk in self.classes.items()}
        unmatched = {
            row["name"]
            for row, digest in zip(rows, digests, strict=True)
            if not (digest and digest in by_id) and row.get("student_number") not in by_number
        }
        by_class = self._by_class(unmatched)  # then class + name + birth, for the rows the numbers did not find
        matches = [
            (by_id.get(digest) if digest else None)
            or (by_number.get(row["student_number"]) if row.get("student_number") else None)
            or by_class.get((class_names[class_id], row["name"], row.get("date_of_birth")))
            for row, digest, class_id in zip(rows, digests, class_ids, strict=True)
        ]
        new_ids = iter(allocate_ids(Pupil, sum(1 for match in matches if match is None)))
        out = Chunk(now=connection.ops.adapt_datetimefield_value(timezone.now()))
        for row, digest, class_id, match in zip(rows, digests, class_ids, matches, strict=True):
            pupil_id = self._plan_pupil(out, row, digest, class_id, match, new_ids)
            values = row.values
            guardians = [
                (values[name], values.get(relation) or Relation.OTHER, values.get(mobile) or "")
                for name, relation, mobile in GUARDIAN_KEYS
                if values.get(name)
            ]
            if guardians:
                out.guardians_of[pupil_id] = guardians
                if match is not None:
                    out.replaced.append(pupil_id)
        self._write_pupils(out)
        changed = write_guardians(
            guardians_of=out.guardians_of, replaced=out.replaced, unit_id=self.unit.pk, sealer=self.sealer
        )
        for pupil_id in changed:
            if pupil_id in out.unchanged:  # only its guardians changed: an update all the same
                self.result.unchanged -= 1
                self.result.updated += 1
        insert_rows(PupilMove, MOVE_INSERT, out.moves)

    def _plan_pupil(
        self,
        out: Chunk,
        row: ParsedRow,
        digest: str | None,
        class_id: int,
        match: Existing | None,
        new_ids: Iterator[int],
    ) -> int:
        now, date, by = out.now, connection.ops.adapt_datefield_value, getattr(self.actor, "pk", None)
        values = row.values
        id_number = values.get("id_number") or ""
        birth = values.get("date_of_birth") or (birth_date_of(id_number) if id_number else None)
        if match is None:
            pupil_id = next(new_ids)
            out.pupils_new.append(
                (pupil_id, self.unit.pk, class_id, values["name"], values["gender"], date(birth),
                 values.get("student_number") or "", self.sealer.seal(id_number), digest, PupilStatus.ENROLLED,
                 date(self.today), now, now)
            )  # fmt: skip
            out.moves.append(
                (pupil_id, None, self.unit.pk, None, class_id, MoveKind.ENROLMENT, date(self.today), by, now)
            )
            self.result.created += 1
            return pupil_id
        number = row.get("student_number") or match.student_number
        changed = (
            (match.name, match.gender, match.date_of_birth, match.student_number, match.school_class_id, match.status)
            != (row["name"], row["gender"], birth, number, class_id, PupilStatus.ENROLLED)
        ) or bool(digest and digest != match.id_number_hash)
        if not changed:
            self.result.unchanged += 1
            out.unchanged.add(match.id)
            return match.id
        update = (match.id, row["name"], row["gender"], date(birth), number, class_id, PupilStatus.ENROLLED, now)
        if digest:
            out.pupils_changed_with_id.append((*update, self.sealer.seal(id_number), digest))
        else:
            out.pupils_changed.append(update)
        self.result.updated += 1
        if match.school_class_id is not None and match.school_class_id != class_id:
            out.moves.append(
                (match.id, self.unit.pk, self.unit.pk, match.school_class_id, class_id, MoveKind.CLASS_CHANGE,
                 date(self.today), by, now)
            )  # fmt: skip
        return match.id

    def _write_pupils(self, out: Chunk) -> None:
        insert_rows(Pupil, PUPIL_INSERT, out.pupils_new)
        update_rows(Pupil, PUPIL_UPDATE, out.pupils_changed)
        update_rows(Pupil, (*PUPIL_UPDATE, "id_number", "id_number_hash"), out.pupils_changed_with_id)


def roll_end(unit: Any) -> int | None:
    """The highest pupil id when the import starts, or None when the school has no pupils (a new roster)."""
    pupils = Pupil.objects.system(REASON)
    if not pupils.filter(unit=unit).exists():
        return None
    return pupils.aggregate(end=models.Max("pk"))["end"]
