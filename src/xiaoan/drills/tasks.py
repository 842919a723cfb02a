"""Queue entry points (thin wrappers over the services)."""

from __future__ import annotations

from .reminders import remind_plan_reviews as _remind_plan_reviews


def remind_plan_reviews() -> int:
    """The daily job: one reminder per plan that has outlived its review cycle."""
    return _remind_plan_reviews()
