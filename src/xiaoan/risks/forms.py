"""Forms of the risk pages, bound with the user: choices come from the user's scope and today's rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.forms import branch_choices, scope_choices, style_widgets
from xiaoan.orgs.models import Unit, User

from . import selectors
from .grading import allowed_values, levels_in_use, plain
from .models import GradingMethod, RiskKind, RiskLevel, RiskPoint

YES = [("", _("不限")), ("1", _("是"))]
GRADING_FIELDS = ("method", "likelihood", "exposure", "consequence", "level")


class RiskFilterForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.none(), empty_label=_("全部")
    )
    level = forms.ChoiceField(label=_("风险等级"), required=False, choices=[("", _("全部")), *RiskLevel.choices])
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *RiskKind.choices])
    q = forms.CharField(label=_("名称或位置"), required=False)
    responsible = forms.CharField(label=_("责任人或岗位"), required=False)
    overdue = forms.ChoiceField(label=_("复核逾期"), required=False, choices=YES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch_choices(self, user)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


def _decimal_choices(values: list[Any]) -> list[tuple[str, str]]:
    return [("", "—")] + [(plain(value), plain(value)) for value in values]


class GradingFields(forms.Form):
    """The grading part of the create, edit and review forms, with the values allowed on ``on``."""

    method = forms.ChoiceField(label=_("评价方法"), choices=GradingMethod.choices, initial=GradingMethod.LEC)
    likelihood = forms.TypedChoiceField(label=_("可能性 L"), required=False, coerce=str, empty_value=None)
    exposure = forms.TypedChoiceField(label=_("暴露频率 E"), required=False, coerce=str, empty_value=None)
    consequence = forms.TypedChoiceField(label=_("后果 C"), required=False, coerce=str, empty_value=None)
    level = forms.ChoiceField(label=_("风险等级（直接定级）"), required=False)

    def setup_grading(self, on: dt.date) -> None:
        for name in ("likelihood", "exposure", "consequence"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _decimal_choices(allowed_values(name, on))
        level = self.fields["level"]
        assert isinstance(level, forms.ChoiceField)
        level.choices = [("", "—")] + [(value, RiskLevel(value).label) for value in levels_in_use(on)]

    def grading_fields(self) -> dict[str, Any]:
        from decimal import Decimal

        data = {name: self.cleaned_data.get(name) for name in GRADING_FIELDS}
        for name in ("likelihood", "exposure", "consequence"):
            data[name] = Decimal(str(data[name])) if data[name] else None
        data["level"] = data["level"] or ""
        return data


RISK_FIELDS = [
    "name",
    "place",
    "kind",
    "hazard_factors",
    "consequences",
    "control_measures",
    "responsible",
    "responsible_post",
    "review_cycle_days",
]


class RiskPointForm(GradingFields):
    name = forms.CharField(label=_("风险点名称"), max_length=100)
    place = forms.CharField(label=_("所在位置"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=RiskKind.choices)
    hazard_factors = forms.CharField(label=_("危险因素"), widget=forms.Textarea(attrs={"rows": 3}))
    consequences = forms.CharField(label=_("可能导致的后果"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    control_measures = forms.CharField(label=_("管控措施"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("责任人"), queryset=User.objects.none(), required=False
    )
    responsible_post = forms.CharField(label=_("责任岗位"), max_length=50, required=False)
    review_cycle_days = forms.IntegerField(label=_("复核周期（天）"), min_value=1, max_value=3650)

    field_order = ["name", "place", "kind", "hazard_factors", "consequences", *GRADING_FIELDS]

    def __init__(self, *args: Any, user: Any, unit: Unit, risk_point: RiskPoint | None = None, **kwargs: Any):
        from xiaoan.core.rules.services import get_rule

        today = timezone.localdate()
        if risk_point is not None:
            initial = {name: getattr(risk_point, name) for name in [*RISK_FIELDS, *GRADING_FIELDS]}
            for name in ("likelihood", "exposure", "consequence"):
                value = initial[name]
                initial[name] = plain(value) if value is not None else ""
            initial["responsible"] = risk_point.responsible_id
            kwargs.setdefault("initial", initial)
        else:
            kwargs.setdefault("initial", {"review_cycle_days": get_rule("risks.review_cycle_days", on=today)})
        super().__init__(*args, **kwargs)
        self.setup_grading(today)
        scope_choices(self, "responsible", selectors.responsible_choices(user, unit))
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.label_from_instance = lambda person: person.display_name  # type: ignore[method-assign,assignment]
        style_widgets(self)

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in RISK_FIELDS}
        for name in ("place", "consequences", "responsible_post"):
            data[name] = data[name] or ""
        return {**data, **self.grading_fields()}


class RiskReviewForm(GradingFields):
    reviewed_on = forms.DateField(label=_("复核日期"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("复核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["reviewed_on", *GRADING_FIELDS, "notes"]

    def __init__(self, *args: Any, risk_point: RiskPoint, **kwargs: Any) -> None:
        initial = {name: getattr(risk_point, name) for name in GRADING_FIELDS}
        for name in ("likelihood", "exposure", "consequence"):
            value = initial[name]
            initial[name] = plain(value) if value is not None else ""
        initial["reviewed_on"] = timezone.localdate()
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.setup_grading(timezone.localdate())
        style_widgets(self)

    def service_fields(self) -> dict[str, Any]:
        return {"reviewed_on": self.cleaned_data["reviewed_on"], "notes": self.cleaned_data["notes"] or ""}
