"""Set-based table writes and look-ups for the roster import, on PostgreSQL and SQLite.

Rows go in with ``COPY`` on PostgreSQL (``executemany`` on SQLite). Look-ups by many keys (``lookup``) probe an index
once per key on PostgreSQL. The planner chooses that index from statistics, and none describe the rows written earlier
in the import's own transaction: with ``IN (…2,000 keys…)`` it took every row of the school and filtered them, each
chunk slower than the one before, and after a large import was rolled back (a table of many pages counted as empty)
it probed the school's index even through the lateral join. So the import refreshes the statistics of the columns it
looks up as it grows (``refresh_statistics``); ``ANALYZE`` samples the transaction's own rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db import OperationalError, connection, models, transaction

PUPIL_INSERT = (
    "id", "unit_id", "school_class_id", "name", "gender", "date_of_birth", "student_number", "id_number",
    "id_number_hash", "status", "enrolled_on", "created_at", "updated_at",
)  # fmt: skip
PUPIL_UPDATE = ("name", "gender", "date_of_birth", "student_number", "school_class_id", "status", "updated_at")
GUARDIAN_INSERT = ("id", "unit_id", "name", "mobile", "mobile_hash", "created_at")
TIE_INSERT = ("pupil_id", "guardian_id", "relation", "is_primary", "order")
STATISTICS_LOCK_WAIT = "200ms"
MOVE_INSERT = ("pupil_id", "from_unit_id", "to_unit_id", "from_class_id", "to_class_id", "kind", "on", "by_id",
               "created_at")  # fmt: skip


def quoted(columns: Iterable[str]) -> str:
    return ", ".join(connection.ops.quote_name(column) for column in columns)


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def any_of(column: str, values: Collection[Any]) -> tuple[str, list[Any]]:
    """``column`` equal to one of ``values`` (for unique keys such as primary keys), as SQL and its parameters."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def select(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def lookup(sql: str, values: Collection[Any], params: Sequence[Any] = (), *, key_type: str = "text") -> list[tuple]:
    """The rows of ``sql`` whose key is one of ``values``. ``sql`` ends with ``{key}``, the test of the key column
    (``… WHERE p.unit_id = %s AND p.name {key}``); ``params`` are its other parameters. On PostgreSQL the statement
    runs once per value through a lateral join (``OFFSET 0`` keeps it from being merged into a join the planner
    might scan), so each value costs one index probe; on SQLite an ``IN`` list, which its planner serves from the
    index. Rows come in no particular order."""
    if not values:
        return []
    if connection.vendor == "postgresql":
        probe = sql.format(key="= k.value")
        statement = f"SELECT q.* FROM unnest(%s::{key_type}[]) AS k(value) CROSS JOIN LATERAL ({probe} OFFSET 0) q"  # noqa: S608
        return select(statement, [list(values), *params])
    return select(sql.format(key=f"IN ({', '.join(['%s'] * len(values))})"), [*params, *values])


def as_date(value: Any) -> datetime.date | None:
    """A date column read with plain SQL: SQLite returns its text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys in one statement (the caller's transaction holds SQLite's write lock)."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the sequence named once, as a constant: looked up for every row, its name cost more than nextval
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence_of(model, cursor), count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table(model)}), 0),"  # noqa: S608
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [model._meta.db_table],
        )
        first = int(cursor.fetchone()[0]) + 1
    return list(range(first, first + count))


def sequence_of(model: type[models.Model], cursor: Any) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    return str(cursor.fetchone()[0])


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table(model)} ({quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join("%s" for _ in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table(model)} ({quoted(columns)}) VALUES ({placeholders})", rows)  # noqa: S608


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Rows are (id, *values of columns)."""
    if not rows:
        return
    name = table(model)
    if connection.vendor == "postgresql":
        stage = connection.ops.quote_name(f"stage_{model._meta.db_table}")
        assignments = ", ".join(f"{column} = s.{column}" for column in (connection.ops.quote_name(c) for c in columns))
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {stage} AS SELECT id, {quoted(columns)} FROM {name} LIMIT 0")  # noqa: S608
            with cursor.copy(f"COPY {stage} (id, {quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"UPDATE {name} t SET {assignments} FROM {stage} s WHERE t.id = s.id")  # noqa: S608
            cursor.execute(f"DROP TABLE {stage}")
        return
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {name} SET {assignments} WHERE id = %s",  # noqa: S608
            [(*row[1:], row[0]) for row in rows],
        )


def refresh_statistics(columns_of: dict[type[models.Model], Sequence[str]]) -> None:
    """``ANALYZE`` the columns inside the import's transaction (PostgreSQL), so its look-ups are planned for the rows
    it has written. ``ANALYZE`` holds its lock until the transaction ends: another import analysing the same tables
    is waited for at most ``STATISTICS_LOCK_WAIT``, then this one carries on with the statistics there are."""
    if connection.vendor != "postgresql":
        return  # SQLite plans by the indexes' shapes, without statistics
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (previous,) = cursor.fetchone()
        try:
            with transaction.atomic():  # a savepoint: a timeout leaves the import's transaction usable
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [STATISTICS_LOCK_WAIT])
                for model, columns in columns_of.items():
                    cursor.execute(f"ANALYZE {table(model)} ({quoted(columns)})")
        except OperationalError:
            pass  # another import holds the statistics lock
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def delete_where(model: type[models.Model], column: str, values: Collection[Any]) -> None:
    """Rows whose ``column`` (a unique one: a non-unique column may be planned as a scan) is one of ``values``."""
    if values:
        condition, params = any_of(connection.ops.quote_name(column), values)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table(model)} WHERE {condition}", params)  # noqa: S608
