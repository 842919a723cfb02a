"""Reads: drill, plan and follow-up lists in the user's scope; the staff a follow-up can be given to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from xiaoan.orgs.models import Membership, User

from .models import Drill, DrillFollowUp, EmergencyPlan


def drill_list(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Drill]:
    drills = Drill.objects.for_user(user).select_related("unit")
    return drills.filter(**(filters or {})).order_by("-planned_on", "-pk")


def plan_list(user: Any) -> QuerySet[EmergencyPlan]:
    plans = EmergencyPlan.objects.for_user(user).select_related("unit", "current_version")
    return plans.order_by("unit__path", "kind", "pk")


def follow_up_list(user: Any, *, today: dt.date, overdue: bool = False, done: bool = False) -> QuerySet[DrillFollowUp]:
    """Open follow-ups (or the fixed ones) grouped by school, the earliest due first; ``overdue``: past due."""
    items = DrillFollowUp.objects.for_user(user).filter(done_at__isnull=not done)
    if overdue:
        items = items.filter(due_on__lt=today, done_at__isnull=True)
    items = items.select_related("drill", "drill__unit", "owner")
    return items.order_by("drill__unit__path", "due_on", "pk")


def school_staff(unit_id: int) -> QuerySet[User]:
    """Active accounts with an active post at the school (who may own a follow-up)."""
    posts = Membership.objects.system("the staff of a school the caller holds in scope").filter(
        unit_id=unit_id, is_active=True
    )
    return User.objects.filter(pk__in=posts.values("user_id"), is_active=True).order_by("full_name", "username")
