"""The audit trail a user may read: events and data changes at or below their active unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone

from xiaoan.core.scoping import ensure_allowed, get_policy

from .models import AuditEvent, AuditKind


def _is_root(prefix: str) -> bool:
    # a materialised path of one segment ("00000001/") is the city bureau: it also sees rows tied to no unit
    return prefix.count("/") <= 1


def _day_bounds(filters: dict[str, Any], field: str) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        bounds[f"{field}__gte"] = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz)
    if filters.get("date_to"):
        bounds[f"{field}__lt"] = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return bounds


def visible_events(user: Any, /, **filters: Any) -> QuerySet[AuditEvent]:
    """Security events by people of the user's subtree, or about objects in it."""
    ensure_allowed(user, "audit.auditevent.view")
    policy = get_policy()
    prefix = policy.path_prefix(user) or ""
    qs = AuditEvent.objects.system("audit trail, filtered by the reader's unit path below")
    if not _is_root(prefix):
        qs = qs.filter(Q(unit_path__startswith=prefix) | Q(object_path__startswith=prefix))
    if not policy.allows(user, "audit.auditevent.view_sensitive"):
        qs = qs.exclude(kind=AuditKind.SENSITIVE_READ)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("user"):
        qs = qs.filter(username__icontains=filters["user"])
    return qs.filter(**_day_bounds(filters, "created_at")).select_related("actor", "content_type")


def visible_changes(user: Any, /, **filters: Any) -> QuerySet[LogEntry]:
    """Data changes (django-auditlog) to objects in the user's subtree (``additional_data.unit_path``)."""
    ensure_allowed(user, "audit.auditevent.view")
    prefix = get_policy().path_prefix(user) or ""
    qs = LogEntry.objects.all()
    if not _is_root(prefix):
        qs = qs.filter(additional_data__unit_path__startswith=prefix)
    if filters.get("user"):
        qs = qs.filter(actor__username__icontains=filters["user"])
    return qs.filter(**_day_bounds(filters, "timestamp")).select_related("actor", "content_type")
