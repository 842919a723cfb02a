"""Bulk writes for the generator: COPY straight into a model's table, every NOT NULL column the rows do not give
filled from the model's own defaults (so a column another module adds later does not break the generator, and
one it cannot fill makes it fail loudly); and a load window that takes a table's secondary indexes and foreign
keys off while millions of rows go in and puts them back afterwards (one sort per index and one join per key
instead of a B-tree insert and a queued trigger per row)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone


class GenerationError(RuntimeError):
    pass


def filler(model: type[models.Model], given: Iterable[str]) -> tuple[list[str], list[Any]]:
    """Columns not in ``given`` that need a value, and the value each gets (prepared for the database)."""
    given = set(given)
    now = timezone.now()
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default():
            value = field.get_default()
        elif isinstance(field, models.CharField | models.TextField) and field.blank:
            value = ""
        else:
            raise GenerationError(f"the generator does not fill {model.__name__}.{field.name}; add it to the rows")
        columns.append(field.column)
        values.append(field.get_db_prep_save(value, connection))
    return columns, values


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY ``rows`` (tuples of values for ``columns``) into the model's table; returns the number written.

    The rows stream: a generator is consumed while PostgreSQL parses what was sent, so the two cores work
    at the same time and memory does not grow with the volume. The generator must not query the database:
    the connection is busy with the COPY until the last row (a query there waits for ever)."""
    extra, values = filler(model, columns)
    names = ", ".join(connection.ops.quote_name(column) for column in [*columns, *extra])
    constant = tuple(values)
    written = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table(model)} ({names}) FROM STDIN") as copy:
        write = copy.write_row
        if constant:
            for row in rows:
                write(row + constant)
                written += 1
        else:
            for row in rows:
                write(row)
                written += 1
    return written


def execute(sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> int:
    """Run one statement on Django's connection; returns its row count (without params, % is literal)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table(model)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def sync_sequence(model: type[models.Model]) -> None:
    """After rows were written with explicit ids: the id sequence continues after the largest."""
    execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table(model)}), 1))",  # noqa: S608
        [model._meta.db_table],
    )


@dataclass(frozen=True)
class Secondary:
    """An index or constraint taken off for a load: how to drop it and how to put it back."""

    drop: str
    create: str
    foreign_key: bool


def secondaries(model: type[models.Model]) -> list[Secondary]:
    """The table's indexes except the primary key, its unique constraints and its foreign keys (checks stay:
    they cost little per row). Read from the catalogue, so an index a later migration adds is covered too."""
    name = model._meta.db_table
    quoted = table(model)
    found: list[Secondary] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
            [name],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype = 'u') "
            "ORDER BY c.relname",
            [name],
        )
        indexes = cursor.fetchall()
    for index_name, definition in indexes:
        found.append(Secondary(f"DROP INDEX {connection.ops.quote_name(index_name)}", definition, False))
    for constraint, kind, definition in constraints:
        quoted_name = connection.ops.quote_name(constraint)
        found.append(
            Secondary(
                f"ALTER TABLE {quoted} DROP CONSTRAINT {quoted_name}",
                f"ALTER TABLE {quoted} ADD CONSTRAINT {quoted_name} {definition}",
                kind == "f",
            )
        )
    return found


@contextmanager
def load_window(*load: type[models.Model]) -> Iterator[None]:
    """Inside a transaction: the tables' secondary indexes and keys are dropped for the body and re-created
    after it (indexes first, then the foreign keys, each validated in one pass), then the tables analysed.

    DDL is transactional in PostgreSQL: when the body fails, the rollback brings every index back."""
    if not connection.in_atomic_block:
        raise GenerationError("load_window needs a transaction (the indexes must come back if the load fails)")
    taken = [item for model in load for item in secondaries(model)]
    # a key cannot be dropped while checks deferred by earlier writes of this transaction wait: run them now
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    for item in taken:
        execute(item.drop)
    yield
    for item in sorted(taken, key=lambda item: item.foreign_key):
        execute(item.create)
    execute("SET CONSTRAINTS ALL DEFERRED")  # Django declares every key DEFERRABLE INITIALLY DEFERRED
    execute("ANALYZE " + ", ".join(table(model) for model in load))


def tune_session() -> None:
    """Memory for the index builds and the joins of the INSERT … SELECTs (this session only)."""
    execute("SET maintenance_work_mem = '512MB'")
    execute("SET work_mem = '128MB'")


def database_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def backend_cpu_seconds() -> float | None:
    """CPU time the database server process of this connection has used so far, when it runs on this
    machine (read from /proc); None otherwise. With the client's own CPU time it shows where a step's work
    went whatever else the machine was doing (parallel index-build workers are not included)."""
    import os

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
