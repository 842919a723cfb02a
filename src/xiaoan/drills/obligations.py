"""Drill obligations (RULES.md): monthly for primary and secondary schools, quarterly for kindergartens,
more often for boarding and special-education schools, a bus evacuation drill per semester with buses."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiaoan.compliance.obligations import Obligation, declare_obligation
from xiaoan.compliance.periods import MONTH, QUARTER, SEMESTER, Period
from xiaoan.orgs.roles import Stage

from .models import Drill, DrillKind
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
DRILL_OBLIGATIONS = (MONTHLY.id, MONTHLY_MORE_OFTEN.id, QUARTERLY.id, BUS.id)
