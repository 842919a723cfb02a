"""Bulk writes for the generator: COPY into a temporary stage table, then one INSERT … SELECT into the model's
table that fills every other NOT NULL column from the model's own defaults (so a column another module adds
later does not break the generator, and one it cannot fill makes it fail loudly)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` (values for ``columns``) into the model's table; returns the number of rows written."""
    table = connection.ops.quote_name(model._meta.db_table)
    stage = connection.ops.quote_name(f"stage_{model._meta.db_table}")
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    extra, values = filler(model, columns)
    extra_names = "".join(", " + connection.ops.quote_name(column) for column in extra)
    placeholders = "".join(", %s" for _ in extra)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {stage} AS SELECT {names} FROM {table} LIMIT 0")  # noqa: S608
        with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}{extra_names}) SELECT {names}{placeholders} FROM {stage}",  # noqa: S608
            values,
        )
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {stage}")
    return written


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def sync_sequence(model: type[models.Model]) -> None:
    """After rows were written with explicit ids: the id sequence continues after the largest."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",  # noqa: S608, E501
            [table],
        )
