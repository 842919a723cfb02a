"""Reads: drill and plan lists in the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Drill, EmergencyPlan


def drill_list(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Drill]:
    drills = Drill.objects.for_user(user).select_related("unit")
    return drills.filter(**(filters or {})).order_by("-planned_on", "-pk")


def plan_list(user: Any) -> QuerySet[EmergencyPlan]:
    plans = EmergencyPlan.objects.for_user(user).select_related("unit", "current_version")
    return plans.order_by("unit__path", "kind", "pk")
