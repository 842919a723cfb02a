"""Forms of the drill and plan pages (the school is the user's own; bureaus only read)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.models import User

from .models import DrillKind, PlanKind


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class DrillPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("演练类别"), choices=DrillKind.choices)
    planned_on = forms.DateField(label=_("计划日期"), widget=DateInput)
    scope = forms.CharField(label=_("参演范围"), max_length=100, initial=_("全校"))
    scenario = forms.CharField(label=_("演练情景"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DrillRecordForm(forms.Form):
    held_at = forms.DateTimeField(label=_("举行时间"), widget=DateTimeInput(format="%Y-%m-%dT%H:%M"))
    participants = forms.IntegerField(label=_("参演人数"), min_value=1)
    evacuation_seconds = forms.IntegerField(label=_("疏散用时（秒）"), min_value=1, required=False)
    problems = forms.CharField(
        label=_("发现的问题"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一个问题")
    )
    summary = forms.CharField(label=_("总结"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("现场照片"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("预案类别"), choices=PlanKind.choices)
    title = forms.CharField(label=_("预案名称"), max_length=100)


class PlanVersionForm(forms.Form):
    revised_on = forms.DateField(label=_("修订日期"), widget=DateInput)
    approved_by = forms.CharField(label=_("审批人"), max_length=50)
    approved_on = forms.DateField(label=_("审批日期"), widget=DateInput)
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)
    document = forms.FileField(label=_("预案文件"), required=False)


class DrillFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("演练类别"), choices=[("", _("全部")), *DrillKind.choices], required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))])

    def __init__(self, *args, **kwargs) -> None:
        from .models import Drill

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部")), *Drill.State.choices]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class FollowUpAssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), empty_label=_("请选择本校人员"))
    due_on = forms.DateField(label=_("整改期限"), widget=DateInput)

    def __init__(self, *args, staff=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class FollowUpFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("显示"),
        required=False,
        choices=[("", _("未整改")), ("overdue", _("已逾期")), ("done", _("已整改"))],
    )

    def filters(self) -> dict[str, bool]:
        show = self.cleaned_data.get("show", "") if self.is_bound and self.is_valid() else ""
        return {"overdue": show == "overdue", "done": show == "done"}
