"""Set-based writing of the roster import, for a school's file and for the whole city's.

Validated rows arrive as a stream and are written a chunk at a time inside the caller's one transaction (so the
import stays all-or-nothing): existing pupils and guardians are looked up by natural key once per chunk, new rows
get their ids from the sequence in one statement and are written with ``COPY`` on PostgreSQL (``executemany``
on SQLite), changed rows are updated through a staging table (one ``UPDATE … FROM``) or ``executemany``.
Per-row auditlog entries are not written here: the import job (who, when, which file, counts) is the record.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.crypto import encrypt, keyed_hash
from xiaoan.core.errors import Conflict
from xiaoan.core.tabular.spec import ImportResult, ParsedRow

from .grades import school_year_of
from .identity import birth_date_of
from .models import Guardian, Guardianship, MoveKind, Pupil, PupilMove, PupilStatus, Relation, SchoolClass

if TYPE_CHECKING:
    from .imports import RosterImport

CHUNK_ROWS = 2_000
REASON = "the roster import writes into the uploader's school (checked by the framework)"
PUPIL_INSERT = (
    "id", "unit_id", "school_class_id", "name", "gender", "date_of_birth", "student_number", "id_number",
    "id_number_hash", "status", "enrolled_on", "created_at", "updated_at",
)  # fmt: skip
PUPIL_UPDATE = ("name", "gender", "date_of_birth", "student_number", "school_class_id", "status", "updated_at")
GUARDIAN_INSERT = ("id", "unit_id", "name", "mobile", "mobile_hash", "created_at")
TIE_INSERT = ("pupil_id", "guardian_id", "relation", "is_primary", "order")
MOVE_INSERT = ("pupil_id", "from_unit_id", "to_unit_id", "from_class_id", "to_class_id", "kind", "on", "by_id",
               "created_at")  # fmt: skip


class Sealer:
    """Encryption and keyed hashes for the bulk writer, exactly as ``core.crypto`` does them for the fields."""

    def seal(self, plaintext: str) -> str:
        return encrypt(plaintext) if plaintext else ""

    def digest(self, prefix: str, value: str) -> str | None:
        return keyed_hash(prefix + value) if value else None


# --- table writes, PostgreSQL and SQLite ---------------------------------------------------------------


def _quoted(columns: Iterable[str]) -> str:
    return ", ".join(connection.ops.quote_name(column) for column in columns)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys in one statement (the caller's transaction holds SQLite's write lock)."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {_table(model)}), 0),"  # noqa: S608
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [model._meta.db_table],
        )
        first = int(cursor.fetchone()[0]) + 1
    return list(range(first, first + count))


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {_table(model)} ({_quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join("%s" for _ in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_table(model)} ({_quoted(columns)}) VALUES ({placeholders})", rows)  # noqa: S608


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Rows are (id, *values of columns)."""
    if not rows:
        return
    table = _table(model)
    if connection.vendor == "postgresql":
        stage = connection.ops.quote_name(f"stage_{model._meta.db_table}")
        assignments = ", ".join(f"{name} = s.{name}" for name in (connection.ops.quote_name(c) for c in columns))
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {stage} AS SELECT id, {_quoted(columns)} FROM {table} LIMIT 0")  # noqa: S608
            with cursor.copy(f"COPY {stage} (id, {_quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"UPDATE {table} t SET {assignments} FROM {stage} s WHERE t.id = s.id")  # noqa: S608
            cursor.execute(f"DROP TABLE {stage}")
        return
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
            [(*row[1:], row[0]) for row in rows],
        )


def delete_ties_of(pupil_ids: Sequence[int]) -> None:
    if pupil_ids:
        with connection.cursor() as cursor:
            placeholders = ", ".join("%s" for _ in pupil_ids)
            cursor.execute(f"DELETE FROM {_table(Guardianship)} WHERE pupil_id IN ({placeholders})", list(pupil_ids))  # noqa: S608


def chunks(rows: Iterable[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# --- the roster ---------------------------------------------------------------------------------------


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

    def write(self, rows: Iterable[ParsedRow]) -> ImportResult:
        try:
            for chunk in chunks(rows, self.chunk_rows):
                self._write_chunk(chunk)
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

    def _existing(self, wanted: Q) -> Iterator[Existing]:
        fields = ("id", "id_number_hash", "student_number", "school_class_id", "school_class__name", "name",
                  "date_of_birth", "gender", "status")  # fmt: skip
        found_rows = Pupil.objects.system(REASON).filter(Q(unit=self.unit) & wanted).order_by("name", "pk")
        for values in found_rows.values_list(*fields):
            yield Existing(*values)

    def _write_chunk(self, rows: list[ParsedRow]) -> None:
        class_ids = self._class_ids(rows)
        digests = [self.sealer.digest("id:", row.get("id_number") or "") for row in rows]
        by_id: dict[str, Existing] = {}
        by_number: dict[str, Existing] = {}
        by_class: dict[tuple, Existing] = {}
        numbers = {row["student_number"] for row in rows if row.get("student_number")}
        if any(digests) or numbers:  # one indexed look-up for the keys most rows carry
            keyed = Q(id_number_hash__in={digest for digest in digests if digest}) | Q(student_number__in=numbers)
            for pupil in self._existing(keyed):
                if pupil.id_number_hash:
                    by_id[pupil.id_number_hash] = pupil
                if pupil.student_number:
                    by_number[pupil.student_number] = pupil
        class_names = {pk: name for name, pk in self.classes.items()}
        unmatched = [
            (class_names[class_id], row["name"])
            for row, digest, class_id in zip(rows, digests, class_ids, strict=True)
            if not (digest and digest in by_id) and row.get("student_number") not in by_number
        ]
        if unmatched:  # then class + name + date of birth, for the rows the numbers did not find
            named = Q(school_class__name__in={c for c, _n in unmatched}, name__in={n for _c, n in unmatched})
            for pupil in self._existing(named):
                if pupil.school_class_id is not None:
                    by_class[(pupil.class_name, pupil.name, pupil.date_of_birth)] = pupil
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
            guardians = [
                (row[f"guardian{n}_name"], row.get(f"guardian{n}_relation") or Relation.OTHER,
                 row.get(f"guardian{n}_mobile") or "")
                for n in (1, 2)
                if row.get(f"guardian{n}_name")
            ]  # fmt: skip
            if guardians:
                out.guardians_of[pupil_id] = guardians
                if match is not None:
                    out.replaced.append(pupil_id)
        self._write_pupils(out)
        for pupil_id in self._write_guardians(out):
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
        id_number = row.get("id_number") or ""
        birth = row.get("date_of_birth") or (birth_date_of(id_number) if id_number else None)
        if match is None:
            pupil_id = next(new_ids)
            out.pupils_new.append(
                (pupil_id, self.unit.pk, class_id, row["name"], row["gender"], date(birth),
                 row.get("student_number") or "", self.sealer.seal(id_number), digest, PupilStatus.ENROLLED,
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
        values = (match.id, row["name"], row["gender"], date(birth), number, class_id, PupilStatus.ENROLLED, now)
        if digest:
            out.pupils_changed_with_id.append((*values, self.sealer.seal(id_number), digest))
        else:
            out.pupils_changed.append(values)
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

    def _write_guardians(self, out: Chunk) -> list[int]:
        """Replace the guardians of pupils whose file guardians differ from the roll's; returns the existing pupils
        whose guardians changed (new pupils are counted as created already)."""
        if not out.guardians_of:
            return []
        current: dict[int, list[tuple[str, str, str | None]]] = {}
        previous: dict[int, set[int]] = {}
        if out.replaced:
            ties = (
                Guardianship.objects.system(REASON)
                .filter(pupil_id__in=out.replaced)
                .order_by("pupil_id", "order", "pk")
                .values_list("pupil_id", "guardian_id", "guardian__name", "relation", "guardian__mobile_hash")
            )
            for pupil_id, guardian_id, name, relation, mobile_digest in ties:
                current.setdefault(pupil_id, []).append((name, relation, mobile_digest))
                previous.setdefault(pupil_id, set()).add(guardian_id)
        replaced = set(out.replaced)
        wanted: dict[int, list[tuple[str, str, str, str | None]]] = {}
        for pupil_id, guardians in out.guardians_of.items():
            entries = [(name, rel, mobile, self.sealer.digest("mobile:", mobile)) for name, rel, mobile in guardians]
            if pupil_id in replaced and current.get(pupil_id, []) == [(n, r, d) for n, r, _m, d in entries]:
                continue
            wanted[pupil_id] = entries
        if not wanted:
            return []
        guardian_ids = self._guardian_ids(wanted)
        changed_existing = [pupil_id for pupil_id in wanted if pupil_id in replaced]
        delete_ties_of(changed_existing)
        ties_rows: list[tuple] = []
        for pupil_id, entries in wanted.items():
            linked: set[int] = set()
            for order, (_name, relation, _mobile, _digest) in enumerate(entries, start=1):
                guardian_id = guardian_ids[(pupil_id, order)]
                if guardian_id in linked:
                    continue  # the same person listed twice
                linked.add(guardian_id)
                ties_rows.append((pupil_id, guardian_id, relation, order == 1, order))
        insert_rows(Guardianship, TIE_INSERT, ties_rows)
        kept = {guardian_id for _p, guardian_id, *_rest in ties_rows}
        gone = set().union(*(previous.get(pupil_id, set()) for pupil_id in changed_existing)) - kept
        if gone:  # guardians no pupil links to any more: through the ORM, so links that point at them go too
            Guardian.objects.system("removing guardians without pupils").filter(
                pk__in=gone, guardianships__isnull=True
            ).delete()
        return changed_existing

    def _guardian_ids(self, wanted: dict[int, list[tuple[str, str, str, str | None]]]) -> dict[tuple[int, int], int]:
        """The guardian of each (pupil, place): the school's guardian with that mobile number (siblings share
        one, the name in the file wins), else a new one."""
        digests = {digest for entries in wanted.values() for *_rest, digest in entries if digest}
        known: dict[str, tuple[int, str]] = {}
        if digests:
            found = Guardian.objects.system("siblings share a guardian, matched by mobile hash").filter(
                unit=self.unit, mobile_hash__in=digests
            )
            known = {digest: (pk, name) for pk, digest, name in found.values_list("pk", "mobile_hash", "name")}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        new_count = sum(1 for entries in wanted.values() for *_rest, digest in entries if not digest) + len(
            digests - known.keys()
        )
        fresh = iter(allocate_ids(Guardian, new_count))
        new_rows: list[tuple] = []
        renamed: dict[int, str] = {}
        placed: dict[tuple[int, int], int] = {}
        for pupil_id, entries in wanted.items():
            for order, (name, _relation, mobile, digest) in enumerate(entries, start=1):
                if digest and digest in known:
                    guardian_id, stored_name = known[digest]
                    if name != stored_name:
                        renamed[guardian_id] = name
                        known[digest] = (guardian_id, name)
                else:
                    guardian_id = next(fresh)
                    new_rows.append((guardian_id, self.unit.pk, name, self.sealer.seal(mobile), digest, now))
                    if digest:
                        known[digest] = (guardian_id, name)
                placed[(pupil_id, order)] = guardian_id
        insert_rows(Guardian, GUARDIAN_INSERT, new_rows)
        update_rows(Guardian, ("name",), [(pk, name) for pk, name in renamed.items()])
        return placed
