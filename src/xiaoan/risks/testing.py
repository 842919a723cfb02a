"""Test helpers for risk points (other modules may reuse them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from xiaoan.orgs.models import Unit, User
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import make_person

from .grading import grade
from .models import GradingMethod, RiskPoint


def make_risk_point(
    unit: Unit,
    *,
    name: str = "化学实验室",
    lec: tuple[str, str, str] | None = ("3", "6", "15"),
    level: str = "",
    on: dt.date | None = None,
    review_cycle_days: int = 183,
    **extra: Any,
) -> RiskPoint:
    """A risk point graded on ``on`` (default today): LEC with ``lec``, or directly with ``level``."""
    on = on or timezone.localdate()
    if lec is not None and not level:
        likelihood, exposure, consequence = (Decimal(value) for value in lec)
        grading = grade(
            method=GradingMethod.LEC, on=on, likelihood=likelihood, exposure=exposure, consequence=consequence
        )
    else:
        grading = grade(method=GradingMethod.DIRECT, on=on, level=level)
    point = RiskPoint(
        unit=unit,
        name=name,
        hazard_factors=extra.pop("hazard_factors", "危化品储存不规范"),
        control_measures=extra.pop("control_measures", "双人双锁，专柜存放"),
        review_cycle_days=review_cycle_days,
        last_reviewed_on=on,
        graded_on=on,
        review_due=on + dt.timedelta(days=review_cycle_days),
        **extra,
    )
    grading.apply_to(point)
    point.save()
    return point


def school_safety_officer(unit: Unit, username: str = "school_officer", full_name: str = "吴强") -> User:
    """The city fixture has no safety officer at a school; this adds one."""
    return make_person(username, unit, Role.SAFETY_OFFICER, full_name=full_name)
