"""Training obligations: every member of staff fire-trained at least once a calendar year (coverage of
the school's staff count at or above the rule's percentage)."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xiaoan.compliance.obligations import Obligation, Tally, declare_obligation
from xiaoan.compliance.periods import YEAR, Period
from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind

from .models import TrainingSession
from .selectors import fire_trained_counts


def fire_trained(period: Period) -> dict[int, Tally]:
    """People fire-trained per school in the year (two grouped queries for all schools), with the sessions."""
    schools = Unit.objects.system("compliance: every school").filter(kind=UnitKind.SCHOOL, is_active=True)
    people = fire_trained_counts(schools, period.start.year)
    sessions: dict[int, list[int]] = {}
    rows = (
        TrainingSession.objects.system("compliance: fire-training sessions")
        .filter(is_fire_training=True, date__range=(period.start, period.end), unit__kind=UnitKind.SCHOOL)
        .values_list("unit_id", "pk")
    )
    for unit_id, pk in rows:
        sessions.setdefault(unit_id, []).append(pk)
    return {unit_id: Tally(count, sorted(sessions.get(unit_id, []))) for unit_id, count in people.items()}


def staff_to_train(unit: dict[str, Any], period: Period) -> int:
    percent = get_rule("training.fire_coverage_percent", on=period.start)
    return max(1, math.ceil(unit["staff_count"] * percent / 100))


declare_obligation(
    Obligation(
        id="training.fire_training_yearly",
        name=_("教职工年度消防安全培训"),
        rule=_("全体教职工每年至少接受一次消防安全培训：本年度参加消防培训的人数不低于教职工数的规定比例。"),
        source="《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）第三十六条",
        period=YEAR,
        applies_to=Q(staff_count__gt=0),
        applies_text=_("填写了教职工数的学校"),
        evidence=fire_trained,
        required_for=staff_to_train,
        evidence_url="training:session_detail",
        settings=("training.fire_coverage_percent",),
    )
)
