"""Hot reads of the public endpoints: SQL compiled once per process, planned once per database connection.

A receipt page or a 随手拍 report is one indexed lookup, but the lookup joins five tables: the ORM spends about as
long compiling it as PostgreSQL spends executing it, and PostgreSQL spends ten times longer *planning* it than
executing it (EXPLAIN ANALYZE: planning 0.5 ms, execution 0.03 ms). ``HotQuery`` removes both costs:

- the queryset is built and compiled once (with a sentinel value), and its SQL text reused with the real value;
- on PostgreSQL the statement is executed through a server-side binding cursor with ``prepare=True``, so each
  connection plans it once and then runs the prepared plan. Django leaves prepared statements off by default
  (``prepare_threshold=None``, for connection poolers); only these few statements opt in. pgbouncer in
  transaction mode handles them from version 1.21 on (``max_prepared_statements``; see docs/scaling.md).

The queryset's own converters (JSON fields, dates) are applied to the rows, so callers get what ``.values()``
would have given. The statement goes through Django's cursor wrapper, so query logging, ``CaptureQueriesContext``
and execute wrappers see it like any other.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.models import QuerySet

SENTINEL = "\x00xa-hot-query-sentinel\x00"
NEVER_BY_COUNT = 2**62


class _QueryText:
    """What Django's query log reads from a psycopg cursor (``cursor._query.query``)."""

    __slots__ = ("query",)

    def __init__(self, sql: str):
        self.query = sql.encode()


@functools.cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        """Server-side binding; every statement prepared on its connection at first use."""

        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: Any = None) -> Any:
            result = super().execute(query, params, prepare=True, binary=binary)
            if self._query is None:  # type: ignore[has-type] # psycopg keeps no query text for a prepared execution; Django's log reads it
                self._query = _QueryText(query)
            return result

    return PreparingCursor


def prepared_cursor(connection: Any = None) -> Any:
    """A cursor (Django's wrapper) whose statements PostgreSQL plans once per connection; elsewhere a plain one.

    For the few statements of the hot public paths only: use it for fixed SQL text with parameters.
    """
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return connection.cursor()
    # No health-check round trip (SELECT 1) before the statement: run_with_retry reconnects once instead.
    connection.health_check_done = True
    connection.ensure_connection()
    raw_connection = connection.connection
    if raw_connection.prepare_threshold is None:
        # None switches prepared statements off altogether, even prepare=True; a threshold no statement reaches
        # keeps every other statement unprepared (pooler-safe), while these cursors still prepare theirs.
        raw_connection.prepare_threshold = NEVER_BY_COUNT
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(raw_connection)
        if connection.queries_logged:
            return connection.make_debug_cursor(raw)
        return connection.make_cursor(raw)


def run_with_retry(work: Callable[[Any], Any], connection: Any = None) -> Any:
    """``work(cursor)`` on a prepared cursor; when the connection turns out dead (the database restarted while it
    idled) and no transaction is open, reconnect and run it once more. This replaces the per-request health check,
    which costs a round trip on every request to save one failed request per restart. ``work`` must be safe to
    repeat: a read, or a conditional write that does nothing the second time."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    try:
        with prepared_cursor(connection) as cursor:
            return work(cursor)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block or connection.vendor != "postgresql":
            raise
        connection.close()
    with prepared_cursor(connection) as cursor:
        return work(cursor)


def _fetch(cursor: Any, sql: str, params: list[Any]) -> list[Any]:
    cursor.execute(sql, params)
    return cursor.fetchall()


class HotQuery:
    """``build(value)`` returns a ``.values(...)`` queryset filtered by ``value``; ``rows(value)`` runs it fast.

    The queryset must take ``value`` as its only parameter (checked when it is compiled).
    """

    def __init__(self, name: str, build: Callable[[Any], QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.name = name
        self.build = build
        self.using = using
        self._compiled: dict[str, tuple[str, list[str], dict[int, Any]]] = {}
        self._lock = threading.Lock()

    def _compile(self, connection: Any) -> tuple[str, list[str], dict[int, Any]]:
        vendor = connection.vendor
        compiled = self._compiled.get(vendor)
        if compiled is None:
            with self._lock:
                queryset = self.build(SENTINEL)
                query = queryset.query
                compiler = query.get_compiler(connection=connection)
                sql, params = compiler.as_sql()
                if list(params) != [SENTINEL]:
                    raise ValueError(f"HotQuery {self.name}: the queryset must have exactly one parameter, the value")
                names = [*query.extra_select, *query.values_select, *query.annotation_select]
                if not query.values_select:
                    raise ValueError(f"HotQuery {self.name}: build a .values(...) queryset")
                converters = compiler.get_converters([column for column, _, _ in compiler.select])
                compiled = (sql, names, converters)
                self._compiled[vendor] = compiled
        return compiled

    def sql(self, connection: Any = None) -> str:
        """The compiled statement (one ``%s``: the value), e.g. to use as a CTE of a larger statement."""
        return self._compile(connection or connections[self.using])[0]

    def as_dict(self, row: Any, connection: Any = None) -> dict[str, Any]:
        """The first columns of ``row`` (this query's, in order) as ``.values()`` would give them."""
        connection = connection or connections[self.using]
        _, names, converters = self._compile(connection)
        values = list(row[: len(names)])
        for position, (functions, expression) in converters.items():
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        return dict(zip(names, values, strict=True))

    def rows(self, value: Any) -> list[dict[str, Any]]:
        connection = connections[self.using]
        sql = self.sql(connection)
        fetched = run_with_retry(lambda cursor: _fetch(cursor, sql, [value]), connection)
        return [self.as_dict(row, connection) for row in fetched]

    def first(self, value: Any) -> dict[str, Any] | None:
        found = self.rows(value)
        return found[0] if found else None
