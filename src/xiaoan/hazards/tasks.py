"""Queued and periodic jobs of the hazard module (thin wrappers)."""

from __future__ import annotations

from typing import Any


def scan_deadlines() -> dict[str, Any]:
    """Every 15 minutes: reminders before rectification deadlines, overdue flags and escalation."""
    from .deadlines import scan_deadlines as scan

    return scan()
