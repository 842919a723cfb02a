"""The matrix filter: county (within the user's scope), stage, status, current or previous period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import Stage, UnitKind

from .models import Status
from .selectors import CURRENT, PREVIOUS


class MatrixFilterForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("县区"), queryset=Unit.objects.none(), required=False, empty_label=_("全部")
    )
    stage = forms.ChoiceField(label=_("学段"), choices=[("", _("全部")), *Stage.choices], required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *Status.choices], required=False)
    period = forms.ChoiceField(
        label=_("时段"), choices=[(CURRENT, _("本期")), (PREVIOUS, _("上期"))], required=False, initial=CURRENT
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = Unit.objects.for_user(user).filter(kind=UnitKind.COUNTY_BUREAU, is_active=True).order_by("path")
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"period": CURRENT}
        data = dict(self.cleaned_data)
        data["period"] = data.get("period") or CURRENT
        return data
