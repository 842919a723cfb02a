"""Inspection obligations: every school checks its fire facilities every month (number in the rules)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.compliance.obligations import Obligation, declare_obligation
from xiaoan.compliance.periods import MONTH, Period

from .models import Inspection, InspectionState
from .rules import FIRE_CHECK_SOURCE

REASON = "compliance: fire-facility checks of all schools in a period"


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def fire_checks(period: Period) -> QuerySet[Inspection]:
    return Inspection.objects.system(REASON).filter(
        state=InspectionState.SUBMITTED,
        version__template__checks_assets=True,
        submitted_at__gte=_moment(period.start),
        submitted_at__lt=_moment(period.end + dt.timedelta(days=1)),
    )


MONTHLY_FIRE_CHECK = declare_obligation(
    Obligation(
        id="inspections.monthly_fire_check",
        name=_("每月消防设施检查"),
        rule=_("学校每月至少提交1次消防设施检查（次数见设置）。"),
        source=FIRE_CHECK_SOURCE,
        period=MONTH,
        applies_to=Q(),
        applies_text=_("所有学校和幼儿园"),
        evidence=fire_checks,
        required_rule="inspections.fire_checks_per_month",
        unit_field="school",
        evidence_url="inspections:inspection_detail",
    )
)
