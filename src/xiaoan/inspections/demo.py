"""Demo data: inspection plans for the schools of 宛城区, last month's fire check of the persona school with
one failed item turned into a hazard, this week's patrol, and a running campaign of the county bureau."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xiaoan.core.registry import DemoSeeder
from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import Role, UnitKind

from . import services
from .models import (
    Answer,
    AnswerType,
    ChecklistTemplate,
    Frequency,
    InspectionPlan,
    Item,
    Result,
    Section,
    TemplateVersion,
    Topic,
)
from .seeding import install_system_templates

REASON = "seeding the demo city"
FAILED_ITEM = "安全出口指示灯完好"


def _template(code: str) -> ChecklistTemplate:
    install_system_templates(ChecklistTemplate, TemplateVersion, Section, Item)  # idempotent
    return ChecklistTemplate.objects.system(REASON).get(code=code)


def _person(username: str) -> tuple[User, Any] | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    membership = Membership.objects.system(REASON).filter(user=user, is_active=True).select_related("unit").first()
    return (user, membership.unit) if membership else None


def _fill(actor: User, inspection: Any, *, failed: str = "", note: str = "") -> None:
    values: dict[int, dict[str, Any]] = {}
    for answer in Answer.objects.system(REASON).filter(inspection=inspection).select_related("item"):
        item = answer.item
        if item.answer_type == AnswerType.NUMBER:
            low = item.minimum if item.minimum is not None else 0
            values[answer.pk] = {"number": low if item.maximum is None else (low + item.maximum) / 2}
        elif item.answer_type == AnswerType.TEXT:
            values[answer.pk] = {"text": "正常"}
        else:
            bad = item.text == failed
            values[answer.pk] = {
                "result": Result.FAIL if bad else Result.PASS,
                "note": note if bad else "",
                "make_hazard": bad,
            }
    services.inspection_save(actor=actor, inspection=inspection, answers=values)


def seed(*, scale: str, seed: int) -> None:
    del seed  # the demo inspections are the same every time
    if scale != "demo":
        return  # the benchmark city has no inspections yet
    officer = _person("safety_officer")
    county = _person("wancheng_officer")
    if officer is None or county is None:
        return
    officer_user, school = officer
    county_user, county_unit = county
    today = timezone.localdate()
    start = today.replace(day=1) - dt.timedelta(days=62)
    schools = Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL, path__startswith=county_unit.path)
    patrol, fire = _template("daily-patrol"), _template("monthly-fire")
    InspectionPlan.objects.bulk_create(
        [
            InspectionPlan(school=unit, template=template, frequency=frequency, assignee_role=role, starts_on=start)
            for unit in schools
            for template, frequency, role in (
                (patrol, Frequency.DAILY, Role.GUARD),
                (fire, Frequency.MONTHLY, Role.SAFETY_OFFICER),
            )
        ]
    )
    fire_plan = InspectionPlan.objects.system(REASON).get(school=school, template=fire)
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    inspection = services.inspection_start(actor=officer_user, school=school, plan=fire_plan, today=last_month)
    _fill(officer_user, inspection, failed=FAILED_ITEM, note="二楼东侧楼梯口指示灯不亮")
    submitted_at = timezone.make_aware(dt.datetime.combine(last_month, dt.time(16, 30)))
    services.inspection_submit(actor=officer_user, inspection=inspection, now=submitted_at)

    campaign = services.campaign_create(
        actor=county_user,
        title="中小学校危险化学品安全专项整治",
        topic=Topic.CHEMICALS,
        template=_template("laboratory"),
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=21),
        requirements="各校对照检查表开展自查，发现的问题纳入隐患台账限期整改，于截止日期前提交自查结果。",
    )
    own = services.inspection_start(actor=officer_user, school=school, campaign=campaign, today=today)
    _fill(officer_user, own)
    services.inspection_submit(actor=officer_user, inspection=own)


SEEDER = DemoSeeder(key="inspections", seed=seed, order=40)
