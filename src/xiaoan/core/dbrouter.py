"""Read replicas: reads that a view opts in to go to the ``replica`` alias; all other reads and every write go to the
primary.

Switched on by ``DATABASE_REPLICA_URL``: the settings then add the alias and this router; without it there is one
alias and this module is never loaded. A streaming replica is a little behind the primary, so correctness comes
first:

- only code marked with ``use_replica()`` (the home-page widgets, the ledger exports) reads the replica;
- once a request has written, its reads stay on the primary, so it sees its own writes. Reads inside
  ``transaction.atomic()`` stay there too (the transaction's rows exist nowhere else);
- writes, migrations, sessions, the database cache and the task queue always use the primary;
- a replica that cannot be reached is skipped for a while: dashboards get slower, not broken.

Writes are noticed through ``db_for_write``, i.e. through the ORM. Raw SQL on ``connection`` is not seen; the bulk
paths that use it (roster import, letter publication) run as background jobs, never in a replica-marked view.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, Error, connections

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
ALIASES = frozenset({PRIMARY, REPLICA})
# State that must be read where it was just written: sessions, the database cache, the task queue.
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "django_q"})
# Append-only records a request writes and never reads back (the audit trail): writing one pins nothing, so an
# export that logs who exported still reads the replica.
UNREAD_LOGS = frozenset({("audit", "auditevent"), ("auditlog", "logentry")})
RETRY_SECONDS = 30.0

logger = logging.getLogger(__name__)

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("xiaoan_replica_reads", default=False)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("xiaoan_wrote", default=False)
_replica_down_until = 0.0  # per process: after a failed connection, the primary serves until then


@contextlib.contextmanager
def use_replica() -> Iterator[None]:
    """Reads inside may come from the replica. Also a decorator: ``@use_replica()`` on a view or function."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def forget_writes(**_signal_kwargs: Any) -> None:
    """A new request has written nothing yet (the worker thread kept the last request's state)."""
    _wrote.set(False)


request_started.connect(forget_writes, dispatch_uid="xiaoan.core.dbrouter.started")
request_finished.connect(forget_writes, dispatch_uid="xiaoan.core.dbrouter.finished")


def _pins(model: type) -> bool:
    meta = model._meta  # type: ignore[attr-defined]
    return meta.app_label not in PRIMARY_ONLY_APPS and (meta.app_label, meta.model_name) not in UNREAD_LOGS


def replica_ready() -> bool:
    """Whether the replica answers; a failed connection sends reads to the primary for ``RETRY_SECONDS``."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    if replica.connection is not None:
        return True
    try:
        replica.ensure_connection()
    except Error as exc:
        _replica_down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("read replica unreachable, reading the primary for %.0f s: %s", RETRY_SECONDS, exc)
        return False
    return True


def read_alias(model: type) -> str:
    """Where a read of ``model`` goes now."""
    if not _replica_reads.get() or model._meta.app_label in PRIMARY_ONLY_APPS:  # type: ignore[attr-defined]
        return PRIMARY
    if _wrote.get() or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA if replica_ready() else PRIMARY


class ReplicaRouter:
    """Django's router interface over ``read_alias``; writes and migrations only ever on the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias(model)

    def db_for_write(self, model: type, **hints: Any) -> str:
        if _pins(model):
            _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # the replica holds the primary's rows: an object read there may be linked to one from the primary
        return True if {obj1._state.db, obj2._state.db} <= ALIASES else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY
