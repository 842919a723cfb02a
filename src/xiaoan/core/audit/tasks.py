"""Retention of the audit trail: rows older than the configured period go, never younger than six months."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent

LEGAL_MINIMUM_DAYS = 183  # 网络安全法 Art. 21: network logs are kept for at least six months
BATCH = 5000

logger = logging.getLogger(__name__)


def retention_days() -> int | None:
    """The configured retention, or None when it is below the legal minimum.

    A value below six months is a configuration mistake, not a wish to delete more: the purge then deletes
    nothing (and says so in the log) rather than guess — keeping too long is lawful, deleting too early is not.
    """
    configured = int(getattr(settings, "XIAOAN_AUDIT_RETENTION_DAYS", 365))
    minimum = max(int(getattr(settings, "XIAOAN_AUDIT_MIN_RETENTION_DAYS", 0)), LEGAL_MINIMUM_DAYS)
    if configured < minimum:
        logger.error("Audit retention of %s days is below the minimum of %s days: nothing purged", configured, minimum)
        return None
    return configured


@contextmanager
def audit_maintenance() -> Iterator[None]:
    """A transaction allowed past the PostgreSQL trigger that keeps audit rows append-only (migration 0003).

    ``SET LOCAL`` ends with the transaction; it is also switched off when the block ends, in case the block is a
    savepoint inside a longer transaction (a failing block rolls the savepoint, and the setting, back).
    """
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL xiaoan.audit_purge = 'on'")
        yield
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL xiaoan.audit_purge = 'off'")


def _delete_in_batches(qs) -> int:
    """Delete by primary key in batches, so a first run on a large table does not hold one long lock."""
    deleted = 0
    while True:
        ids = list(qs.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return deleted
        # a queryset delete: the privileged path past the per-row refusal of AuditEvent.delete()
        with audit_maintenance():
            count, _ = qs.model._base_manager.filter(pk__in=ids).delete()
        deleted += count


def purge_expired_audit() -> dict[str, int]:
    days = retention_days()
    if days is None:
        return {"events": 0, "changes": 0}
    cutoff = timezone.now() - dt.timedelta(days=days)
    events = AuditEvent.objects.system("audit retention purge").filter(created_at__lt=cutoff)
    changes = LogEntry.objects.filter(timestamp__lt=cutoff)
    return {"events": _delete_in_batches(events), "changes": _delete_in_batches(changes)}
