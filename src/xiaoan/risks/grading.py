"""Grading a risk point: D = L × E × C and the level of D under the rules in force on a given day.

Every number comes from ``risks/rules.py``. A D equal to a threshold falls in the lower band (the colour
mapping's "≤ 70 蓝"), the same for every threshold, so the bands never overlap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.services import get_rule

from .models import LEVEL_ORDER, GradingMethod, RiskLevel

FACTOR_RULES = {
    "likelihood": "risks.lec_l_values",
    "exposure": "risks.lec_e_values",
    "consequence": "risks.lec_c_values",
}
LEVEL_THRESHOLD_RULES = {"red": "risks.red_above", "orange": "risks.orange_above", "yellow": "risks.yellow_above"}
DANGER_CLASSES = [_("极其危险"), _("高度危险"), _("显著危险"), _("一般危险")]
SLIGHT_DANGER = _("稍有危险")


def _decimals(values: list[Any]) -> list[Decimal]:
    result = []
    for value in values:
        try:
            result.append(Decimal(str(value)).normalize())
        except InvalidOperation:
            continue  # a mistyped list entry is skipped rather than breaking every form
    return result


def plain(value: Decimal) -> str:
    """A factor or score as people write it: 10, 0.5, 126 (never 1E+1 or 126.000)."""
    return format(Decimal(value).normalize(), "f")


def allowed_values(factor: str, on: dt.date) -> list[Decimal]:
    """The values L, E or C may take on ``on`` (``factor``: likelihood, exposure, consequence)."""
    return _decimals(get_rule(FACTOR_RULES[factor], on=on))


def lec_score(likelihood: Decimal, exposure: Decimal, consequence: Decimal) -> Decimal:
    return (Decimal(likelihood) * Decimal(exposure) * Decimal(consequence)).quantize(Decimal("0.001"))


def levels_in_use(on: dt.date) -> list[str]:
    """The configured levels, most severe first (all four when the rule names none that exist)."""
    wanted = {str(value).strip().lower() for value in get_rule("risks.levels_in_use", on=on)}
    return [level for level in LEVEL_ORDER if level in wanted] or list(LEVEL_ORDER)


def level_for_score(score: Decimal, on: dt.date) -> str:
    """The most severe level in use whose threshold ``score`` exceeds; the least severe one otherwise."""
    in_use = levels_in_use(on)
    for level in in_use:
        rule = LEVEL_THRESHOLD_RULES.get(level)
        if rule is not None and score > Decimal(get_rule(rule, on=on)):
            return level
    return in_use[-1]


def danger_class(score: Decimal, on: dt.date) -> Any:
    """The LEC danger class of ``score``: 极其危险, 高度危险, 显著危险, 一般危险 or 稍有危险."""
    thresholds = sorted(_decimals(get_rule("risks.danger_thresholds", on=on)), reverse=True)
    for label, threshold in zip(DANGER_CLASSES, thresholds, strict=False):
        if score > threshold:
            return label
    return SLIGHT_DANGER


@dataclass(frozen=True)
class Grading:
    method: str
    likelihood: Decimal | None
    exposure: Decimal | None
    consequence: Decimal | None
    score: Decimal | None
    level: str

    def apply_to(self, obj: Any) -> None:
        for field in ("method", "likelihood", "exposure", "consequence", "score", "level"):
            setattr(obj, field, getattr(self, field))


def grade(
    *,
    method: str,
    on: dt.date,
    likelihood: Decimal | None = None,
    exposure: Decimal | None = None,
    consequence: Decimal | None = None,
    level: str = "",
) -> Grading:
    """Validate the input of either method against the rules of ``on`` and return the grading."""
    if method == GradingMethod.LEC:
        factors = {"likelihood": likelihood, "exposure": exposure, "consequence": consequence}
        errors = {}
        for name, value in factors.items():
            allowed = allowed_values(name, on)
            if value is None or Decimal(value).normalize() not in allowed:
                shown = "、".join(plain(item) for item in allowed)
                errors[name] = _("请从规定的取值中选择：%(values)s。 Choose one of the allowed values.") % {
                    "values": shown
                }
        if errors:
            raise ValidationError(errors)
        assert likelihood is not None and exposure is not None and consequence is not None
        score = lec_score(likelihood, exposure, consequence)
        return Grading(method, likelihood, exposure, consequence, score, level_for_score(score, on))
    if method == GradingMethod.DIRECT:
        if level not in levels_in_use(on):
            raise ValidationError({"level": _("请选择一个使用中的风险等级。 Choose one of the levels in use.")})
        return Grading(method, None, None, None, None, RiskLevel(level).value)
    raise ValidationError({"method": _("请选择评价方法。 Choose a grading method.")})
