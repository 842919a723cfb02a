"""Test helpers other modules may reuse: a school safety officer, drills planned and held."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xiaoan.orgs.models import Unit, User
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import City, make_person

from .models import Drill, DrillKind, EmergencyPlan, PlanKind, PlanVersion


def school_officer(city: City, unit: Unit | None = None, username: str = "school_officer") -> User:
    """A safety officer (安全专干) of school A1 (the city fixture has none at school level)."""
    user = make_person(username, unit or city.school_a1, Role.SAFETY_OFFICER, full_name="李娜")
    city.people[username] = user
    return user


def make_drill(unit: Unit, *, planned_on: dt.date | None = None, kind: str = DrillKind.FIRE, **extra: Any) -> Drill:
    return Drill.objects.create(
        unit=unit, kind=kind, planned_on=planned_on or timezone.localdate(), scope="全校", **extra
    )


def make_held_drill(unit: Unit, held_on: dt.date, *, kind: str = DrillKind.FIRE, **extra: Any) -> Drill:
    at = timezone.make_aware(dt.datetime.combine(held_on, dt.time(10, 0)))
    fields = {"participants": 500, "evacuation_seconds": 100, "target_seconds": 120, **extra}
    return make_drill(unit, planned_on=held_on, kind=kind, state=Drill.State.HELD, held_at=at, held_on=held_on,
                      **fields)  # fmt: skip


def make_plan(unit: Unit, *, revised_on: dt.date | None = None, kind: str = PlanKind.FIRE) -> EmergencyPlan:
    plan = EmergencyPlan.objects.create(unit=unit, kind=kind, title="消防安全应急预案")
    if revised_on is not None:
        version = PlanVersion.objects.create(
            plan=plan, number=1, revised_on=revised_on, approved_by="周校长", approved_on=revised_on
        )
        plan.current_version = version
        plan.save(update_fields=["current_version"])
    return plan
