from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditKind


class AuditFilterForm(forms.Form):
    tab = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("events", _("安全事件")), ("changes", _("数据变更"))]
    )
    kind = forms.ChoiceField(label=_("事件类型"), required=False, choices=[("", _("全部")), *AuditKind.choices])
    user = forms.CharField(label=_("用户"), required=False, max_length=150)
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。 The start date must not be after the end date."))
        return data
