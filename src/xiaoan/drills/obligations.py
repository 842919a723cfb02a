"""Drill obligations (RULES.md): monthly for primary and secondary schools, quarterly for kindergartens,
more often for boarding and special-education schools, a bus evacuation drill per semester with buses; and
emergency plans revised within their review cycle (a snapshot judged on a day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoan.compliance.obligations import IdList, Obligation, Verdict, declare_obligation, snapshot_status
from xiaoan.compliance.periods import MONTH, QUARTER, SEMESTER, Period
from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.roles import Stage, UnitKind

from .models import Drill, DrillKind, EmergencyPlan
from .rules import GUIDE

REASON = "compliance: drills of all schools in a period"
KINDERGARTEN = Q(stage=Stage.KINDERGARTEN)
MORE_OFTEN = Q(is_boarding=True) | Q(stage=Stage.SPECIAL)


def held(period: Period, **filters: Any) -> QuerySet[Drill]:
    return Drill.objects.system(REASON).filter(
        state=Drill.State.HELD, held_on__gte=period.start, held_on__lte=period.end, **filters
    )


def planned(period: Period, **filters: Any) -> QuerySet[Drill]:
    return Drill.objects.system(REASON).filter(
        state=Drill.State.PLANNED, planned_on__gte=period.start, planned_on__lte=period.end, **filters
    )


def review_limit(day: dt.date) -> dt.date:
    """A plan whose current version was revised before this day has outlived its review cycle on ``day``."""
    return day - dt.timedelta(days=int(get_rule("drills.plan_review_days", on=day)))


def plans_standing(period: Period, day: dt.date) -> dict[int, Verdict]:
    """Per school with a plan in force (a plan without any version is a draft and not judged): missed when
    one plan has outlived its review cycle on ``day``, due soon when one will within the due-soon window.
    One grouped query for all schools; the evidence is the plans."""
    limit = review_limit(day)
    soon_until = limit + dt.timedelta(days=int(get_rule("compliance.due_soon_days", on=day)))
    rows = (
        EmergencyPlan.objects.system(REASON)
        .filter(current_version__isnull=False, current_version__revised_on__lte=day, unit__kind=UnitKind.SCHOOL)
        .order_by()
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(current_version__revised_on__lt=limit)),
            soon=Count(
                "pk", filter=Q(current_version__revised_on__gte=limit, current_version__revised_on__lt=soon_until)
            ),
            ids=IdList("pk"),
        )
        .values_list("unit_id", "n", "overdue", "soon", "ids")
    )
    return {
        unit_id: Verdict(
            n - overdue,
            sorted(int(pk) for pk in str(ids).split(",")),
            n,
            snapshot_status(overdue=overdue, due_soon=soon),
        )
        for unit_id, n, overdue, soon, ids in rows
    }


MONTHLY = declare_obligation(
    Obligation(
        id="drills.monthly",
        name=_("每月应急疏散演练"),
        rule=_("中小学每个自然月至少组织1次应急疏散演练（次数见设置）。"),
        source=GUIDE,
        period=MONTH,
        applies_to=~KINDERGARTEN & ~MORE_OFTEN,
        applies_text=_("中小学（不含幼儿园、寄宿制和特殊教育学校）"),
        evidence=held,
        scheduled=planned,
        required_rule="drills.per_month",
        evidence_url="drills:drill_detail",
    )
)
MONTHLY_MORE_OFTEN = declare_obligation(
    Obligation(
        id="drills.monthly_boarding",
        name=_("寄宿制和特殊教育学校每月演练"),
        rule=_("寄宿制学校和特殊教育学校按本市设置的次数每月组织应急疏散演练。"),
        source=GUIDE,
        period=MONTH,
        applies_to=~KINDERGARTEN & MORE_OFTEN,
        applies_text=_("寄宿制学校、特殊教育学校（不含幼儿园）"),
        evidence=held,
        scheduled=planned,
        required_rule="drills.boarding_per_month",
        evidence_url="drills:drill_detail",
    )
)
QUARTERLY = declare_obligation(
    Obligation(
        id="drills.kindergarten_quarterly",
        name=_("幼儿园每季度应急疏散演练"),
        rule=_("幼儿园每季度至少组织1次应急疏散演练（次数见设置）。"),
        source=GUIDE,
        period=QUARTER,
        applies_to=KINDERGARTEN,
        applies_text=_("幼儿园"),
        evidence=held,
        scheduled=planned,
        required_rule="drills.kindergarten_per_quarter",
        evidence_url="drills:drill_detail",
    )
)
BUS = declare_obligation(
    Obligation(
        id="drills.bus_semester",
        name=_("每学期校车疏散演练"),
        rule=_("开通校车的学校每学期至少组织1次校车应急疏散演练（次数见设置）。"),
        source="《校车安全管理条例》",
        period=SEMESTER,
        applies_to=Q(runs_buses=True),
        applies_text=_("开通校车的学校和幼儿园"),
        evidence=lambda period: held(period, kind=DrillKind.BUS),
        scheduled=lambda period: planned(period, kind=DrillKind.BUS),
        required_rule="drills.bus_per_semester",
        evidence_url="drills:drill_detail",
        settings=("compliance.spring_starts", "compliance.autumn_starts"),
    )
)
PLANS_REVIEWED = declare_obligation(
    Obligation(
        id="drills.plans_reviewed",
        name=_("应急预案按期复核"),
        rule=_("学校每项现行应急预案须在复核周期内修订（复核）一次：有预案超过周期未修订即为未完成。"),
        source=_("《生产安全事故应急预案管理办法》（定期评估）"),
        period=MONTH,
        applies_to=Q(),
        applies_text=_("已登记现行应急预案的学校和幼儿园"),
        evidence=plans_standing,
        snapshot=True,
        evidence_url="drills:plan_detail",
        settings=("drills.plan_review_days",),
    )
)
DRILL_OBLIGATIONS = (MONTHLY.id, MONTHLY_MORE_OFTEN.id, QUARTERLY.id, BUS.id)
