"""Test helpers other modules may reuse: photos, and hazards moved to a given state through the services."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import City, make_person

from . import services
from .models import Category, Grade, Hazard, State

MAJOR_PLAN: dict[str, Any] = {
    "funds": 12000,
    "goal": "消除教学楼外墙脱落风险",
    "organisation": "校长任组长，总务处负责实施",
    "materials": "专项经费1.2万元，脚手架由施工单位提供",
    "safety_measures": "施工区域围挡，学生绕行",
    "contingency_plan": "发生坠落立即疏散并报告教育局",
}


def photo(name: str = "photo.jpg", size: tuple[int, int] = (40, 30), colour: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def safety_officer(city: City, unit: Unit | None = None, username: str = "school_officer") -> Any:
    """The school's safety officer (the city fixture has none at the school)."""
    if username not in city.people:
        city.people[username] = make_person(username, unit or city.school_a1, Role.SAFETY_OFFICER, "安全专干")
    return city.people[username]


def report(city: City, *, unit: Unit | None = None, actor: Any = None, **fields: Any) -> Hazard:
    values = {"category": Category.FIRE, "place": "教学楼二楼东侧", "description": "灭火器压力不足", **fields}
    return services.hazard_report(actor=actor or city.teacher, unit=unit or city.school_a1, **values)


def hazard_in_state(
    city: City, state: str, *, grade: str = Grade.GENERAL, deadline: dt.date | None = None, unit: Unit | None = None
) -> Hazard:
    """A hazard of school A1 (or ``unit``, with its own officer) moved to ``state`` by the real services."""
    unit = unit or city.school_a1
    officer = safety_officer(city, unit, "school_officer" if unit == city.school_a1 else f"officer_{unit.pk}")
    hazard = report(city, unit=unit, actor=officer)
    if state == State.REPORTED:
        return hazard
    if state == State.REJECTED:
        return services.hazard_transition(actor=officer, hazard=hazard, name="reject", comment="不构成隐患")
    services.hazard_grade(actor=officer, hazard=hazard, grade=grade)
    if state == State.GRADED:
        return hazard
    plan = MAJOR_PLAN if grade == Grade.MAJOR else {}
    services.hazard_assign(
        actor=officer,
        hazard=hazard,
        responsible=officer,
        responsible_post="总务主任",
        measures="更换灭火器",
        deadline=deadline or timezone.localdate() + dt.timedelta(days=7),
        **plan,
    )
    if state == State.RECTIFYING:
        return hazard
    services.hazard_request_acceptance(actor=officer, hazard=hazard, photos=[photo("after.jpg")])
    if state == State.ACCEPTANCE_REQUESTED:
        return hazard
    leader = city.principal if unit == city.school_a1 else officer
    services.hazard_transition(actor=leader, hazard=hazard, name="accept")
    if state == State.ACCEPTED:
        return hazard
    return services.hazard_transition(actor=officer, hazard=hazard, name="close")


def make_overdue(hazard: Hazard, days: int = 2) -> Hazard:
    """Put the deadline in the past directly in the database (the clock moved on)."""
    deadline = timezone.localdate() - dt.timedelta(days=days)
    Hazard.objects.system("test: the clock moved on").filter(pk=hazard.pk).update(deadline=deadline)
    hazard.deadline = deadline
    return hazard
