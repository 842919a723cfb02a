"""Test helpers for safety assets (the inspections module may reuse them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xiaoan.orgs.models import Unit

from .models import AssetKind, SafetyAsset


def make_asset(
    unit: Unit,
    *,
    kind: str = AssetKind.EXTINGUISHER,
    location: str = "教学楼一层走廊",
    check_cycle_days: int = 30,
    last_checked_on: dt.date | None = None,
    today: dt.date | None = None,
    **extra: Any,
) -> SafetyAsset:
    """An asset last checked on ``last_checked_on`` (default today), due one cycle later."""
    today = today or timezone.localdate()
    asset = SafetyAsset(
        unit=unit,
        kind=kind,
        location=location,
        check_cycle_days=check_cycle_days,
        last_checked_on=last_checked_on or today,
        **extra,
    )
    asset.schedule_check(today)
    asset.save()
    return asset
