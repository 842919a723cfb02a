"""Queue entry points (thin wrappers over the services)."""

from __future__ import annotations

import datetime as dt

from . import services


def refresh_one(obligation_id: str, unit_ids: list[int] | None = None, day: str | None = None) -> int:
    """Recompute ``obligation_id`` for the period containing ``day`` (default today)."""
    obligation = services.get_obligation(obligation_id)
    period = services.period_for(obligation, dt.date.fromisoformat(day)) if day else None
    return services.refresh(obligation_id, unit_ids=unit_ids, period=period)


def refresh_all() -> int:
    return services.refresh_all()
