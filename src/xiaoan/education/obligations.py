"""Theme-day obligations: where the city lists a theme day in ``education.theme_day_obligations``, every
school must hold an activity on a matching topic within the rule's window around it (judged per year)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xiaoan.compliance.obligations import Obligation, declare_obligation
from xiaoan.compliance.periods import YEAR, Period
from xiaoan.core.rules.services import get_rule

from .models import ActivityTopic, EducationActivity
from .themedays import KINDS, ThemeDayKind, occurrence

NONE = Q(pk__in=[])


def _applies(kind: ThemeDayKind) -> Any:
    def applies() -> Q:
        return Q() if kind.key in get_rule("education.theme_day_obligations") else NONE

    return applies


def _evidence(kind: ThemeDayKind) -> Any:
    def evidence(period: Period) -> Any:
        from .selectors import theme_day_rows

        day = occurrence(kind, period.start.year, march_method=get_rule("education.safety_day_method", on=period.start))
        rows = ActivityTopic.objects.system("compliance: theme-day activities of every school")
        counting = theme_day_rows(rows, day, get_rule("education.theme_day_window_days", on=period.start))
        return EducationActivity.objects.system("compliance: theme-day activities").filter(
            pk__in=counting.values("activity_id")
        )

    return evidence


for _kind in KINDS:
    declare_obligation(
        Obligation(
            id=f"education.theme_day_{_kind.key}",
            name=format_lazy("{}{}", _kind.name, _("主题教育活动")),
            rule=format_lazy(
                "{}{}", _("在主题日前后规定天数内开展对应主题的安全教育活动（市教育局指定时适用）："), _kind.name
            ),
            source="《中小学公共安全教育指导纲要》",
            period=YEAR,
            applies_to=_applies(_kind),
            applies_text=_("市教育局指定该主题日时的所有学校"),
            evidence=_evidence(_kind),
            evidence_url="education:activity_detail",
            settings=("education.theme_day_obligations", "education.theme_day_window_days"),
        )
    )
