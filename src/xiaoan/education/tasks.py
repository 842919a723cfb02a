"""Periodic jobs of safety education (scheduled by a data migration)."""

from __future__ import annotations

from . import services


def remind_theme_days() -> int:
    """Daily: remind school safety officers of theme days starting within the notice period."""
    return len(services.theme_day_remind())
