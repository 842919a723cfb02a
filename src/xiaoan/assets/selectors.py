"""Reads of safety assets, also used by other modules (the inspections app checks a school's assets):

- ``assets_for_check(unit, kinds=None, *, queryset=None, user=None) -> QuerySet[SafetyAsset]``: the in-service
  assets of ``unit``, optionally of some ``kinds`` (``AssetKind`` values), taken from ``queryset`` (already
  scoped by the caller) or from ``SafetyAsset.objects.for_user(user)``.
- ``due_assets(queryset, today) -> QuerySet[SafetyAsset]``: the assets of ``queryset`` that are due on
  ``today``: faulty, past or within ``assets.due_soon_days`` of their check date or expiry.
- ``asset_list(user, filters, *, action="view", today=None)``: the filtered list of the pages and the API.
- ``due_counts(queryset, today)``: faulty / expired or expiring / check overdue counts in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xiaoan.core.rules.services import get_rule

from .models import AssetStatus, SafetyAsset

DUE_FILTERS = ("any", "overdue", "expiring", "faulty")


def _soon(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=get_rule("assets.due_soon_days", on=today))


def _due_q(today: dt.date) -> Q:
    soon = _soon(today)
    in_service = Q(status=AssetStatus.IN_SERVICE)
    return Q(status=AssetStatus.FAULTY) | (in_service & (Q(next_check_due__lte=soon) | Q(expires_on__lte=soon)))


def due_assets(queryset: QuerySet[SafetyAsset], today: dt.date | None = None) -> QuerySet[SafetyAsset]:
    return queryset.filter(_due_q(today or timezone.localdate()))


def assets_for_check(
    unit: Any, kinds: Iterable[str] | None = None, *, queryset: QuerySet[SafetyAsset] | None = None, user: Any = None
) -> QuerySet[SafetyAsset]:
    if queryset is None:
        if user is None:
            raise ValueError("assets_for_check() needs a scoped queryset or the user to scope by")
        queryset = SafetyAsset.objects.for_user(user)
    assets = queryset.filter(unit=unit, status=AssetStatus.IN_SERVICE)
    if kinds is not None:
        assets = assets.filter(kind__in=list(kinds))
    return assets.order_by("kind", "location", "pk")


def asset_list(
    user: Any, filters: Mapping[str, Any] | None = None, *, action: str = "view", today: dt.date | None = None
) -> QuerySet[SafetyAsset]:
    filters = filters or {}
    today = today or timezone.localdate()
    assets = SafetyAsset.objects.for_user(user, action).select_related("unit")
    unit = filters.get("unit")
    if unit:
        assets = assets.within(unit.path)
    if filters.get("kind"):
        assets = assets.filter(kind=filters["kind"])
    if filters.get("status"):
        assets = assets.filter(status=filters["status"])
    text = (filters.get("q") or "").strip()
    if text:
        assets = assets.filter(Q(location__icontains=text) | Q(name__icontains=text) | Q(serial__iexact=text))
    due = filters.get("due")
    in_service = Q(status=AssetStatus.IN_SERVICE)
    if due == "any":
        assets = due_assets(assets, today)
    elif due == "overdue":
        assets = assets.filter(in_service & Q(next_check_due__lt=today))
    elif due == "expiring":
        assets = assets.filter(in_service & Q(expires_on__lte=_soon(today)))
    elif due == "faulty":
        assets = assets.filter(status=AssetStatus.FAULTY)
    return assets.order_by("unit__path", "kind", "location", "pk")


def due_counts(queryset: QuerySet[SafetyAsset], today: dt.date | None = None) -> dict[str, int]:
    """Assets due in ``queryset`` (already scoped): total due, check overdue, expired or expiring, faulty."""
    today = today or timezone.localdate()
    in_service = Q(status=AssetStatus.IN_SERVICE)
    return queryset.order_by().aggregate(
        due=Count("pk", filter=_due_q(today)),
        overdue=Count("pk", filter=in_service & Q(next_check_due__lt=today)),
        expiring=Count("pk", filter=in_service & Q(expires_on__lte=_soon(today))),
        faulty=Count("pk", filter=Q(status=AssetStatus.FAULTY)),
    )
