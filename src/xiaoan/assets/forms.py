"""Forms of the asset pages, bound with the user (unit choices from the user's scope)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.forms import branch_choices, style_widgets
from xiaoan.orgs.models import Unit

from .models import AssetKind, AssetStatus, SafetyAsset

DUE_CHOICES = [
    ("", _("不限")),
    ("any", _("需处理（全部）")),
    ("overdue", _("检查逾期")),
    ("expiring", _("已过期或即将过期")),
    ("faulty", _("故障")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ASSET_FIELDS = [
    "kind", "name", "location", "quantity", "serial", "installed_on", "check_cycle_days", "last_checked_on",
    "expires_on", "status", "note",
]  # fmt: skip
BULK_LINE = re.compile(r"^(?P<location>.+?)[\s,，、:：]+(?P<quantity>\d+)$")


class AssetFilterForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.none(), empty_label=_("全部")
    )
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *AssetKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *AssetStatus.choices])
    due = forms.ChoiceField(label=_("到期情况"), required=False, choices=DUE_CHOICES)
    q = forms.CharField(label=_("位置、名称或编号"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch_choices(self, user)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class AssetForm(forms.ModelForm):
    class Meta:
        model = SafetyAsset
        fields = ASSET_FIELDS
        widgets = {"installed_on": DATE, "last_checked_on": DATE, "expires_on": DATE}
        help_texts = {"check_cycle_days": _("留空则按该类别的规则默认值")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check_cycle_days"].required = False
        style_widgets(self)

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in ASSET_FIELDS}
        for name in ("name", "serial", "note"):
            data[name] = data[name] or ""
        return data


class AssetCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("检查日期"), widget=DATE)
    ok = forms.TypedChoiceField(
        label=_("检查结果"),
        choices=[("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(label=_("检查情况"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"checked_on": timezone.localdate(), "ok": "1"})
        super().__init__(*args, **kwargs)
        style_widgets(self)


class AssetBulkForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AssetKind.choices)
    name = forms.CharField(label=_("名称/型号"), max_length=100, required=False)
    rows = forms.CharField(
        label=_("位置与数量"),
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("教学楼一层走廊 4\n教学楼二层走廊 4")}),
        help_text=_("每行一个位置，后接数量，例如“教学楼一层走廊 4”。"),
    )
    installed_on = forms.DateField(label=_("安装/生产日期"), widget=DATE, required=False)
    last_checked_on = forms.DateField(label=_("最近检查日期"), widget=DATE, required=False)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean_rows(self) -> list[tuple[str, int]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = BULK_LINE.match(line)
            if match is None or int(match["quantity"]) < 1:
                raise ValidationError(
                    _("第 %(n)d 行应为“位置 数量”。 Line %(n)d should be a location and a quantity.") % {"n": number}
                )
            rows.append((match["location"].strip()[:100], int(match["quantity"])))
        if not rows:
            raise ValidationError(_("请至少填写一行。 Enter at least one line."))
        return rows

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["name"] = data["name"] or ""
        return data
