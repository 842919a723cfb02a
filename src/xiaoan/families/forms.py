"""Forms of the staff pages, bound with the user: school and class choices come from the user's scope only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.models import Unit
from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import Stage
from xiaoan.students.grades import GRADE_CHOICES
from xiaoan.students.models import SchoolClass

from . import selectors
from .models import ActivityKind, Channel
from .services import STAFF_CHANNELS


class LetterForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("空行分段；“- ”开头为列表，“1. ”开头为编号列表；**文字** 为加粗。"),
    )
    items = forms.CharField(
        label=_("确认事项（每行一项，可不填）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("回执截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    stages = forms.MultipleChoiceField(
        label=_("学段（不选为全部）"), required=False, choices=Stage.choices, widget=forms.CheckboxSelectMultiple
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("学校（不选为下级全部学校）"), required=False, queryset=Unit.objects.none()
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("年级（不选为全部）"),
        required=False,
        coerce=int,
        choices=GRADE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    classes = forms.ModelMultipleChoiceField(
        label=_("班级（不选为全部）"), required=False, queryset=SchoolClass.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = active_membership(user)
        unit = membership.unit if membership else None
        if unit is not None and unit.is_school:
            del self.fields["schools"], self.fields["stages"]
            classes = SchoolClass.objects.for_user(user).filter(unit=unit, is_active=True).order_by("grade", "name")
            self.fields["classes"].queryset = classes  # type: ignore[attr-defined]
        else:
            del self.fields["classes"]
            self.fields["schools"].queryset = Unit.objects.for_user(user).schools().active()  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        audience = {
            "stages": data.get("stages") or [],
            "schools": [unit.pk for unit in data.get("schools") or []],
            "grades": data.get("grades") or [],
            "classes": [klass.pk for klass in data.get("classes") or []],
        }
        return {
            "title": data["title"],
            "body": data["body"],
            "items": [line for line in data["items"].splitlines() if line.strip()],
            "deadline": data["deadline"],
            "audience": audience,
        }

    @classmethod
    def initial_from(cls, letter: Any) -> dict[str, Any]:
        audience = letter.audience or {}
        return {
            "title": letter.title,
            "body": letter.body,
            "items": "\n".join(letter.items),
            "deadline": letter.deadline,
            "stages": audience.get("stages", []),
            "schools": audience.get("schools", []),
            "grades": audience.get("grades", []),
            "classes": audience.get("classes", []),
        }


class ReceiptRecordForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("回执方式"), choices=[(value, label) for value, label in Channel.choices if value in STAFF_CHANNELS]
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)
    receipt = forms.TypedMultipleChoiceField(label=_("学生"), coerce=int, choices=())

    def __init__(self, *args: Any, receipts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receipt"].choices = [(r.pk, r.pk) for r in receipts]  # type: ignore[attr-defined]


class ActivityForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("班级"), queryset=SchoolClass.objects.none())
    kind = forms.ChoiceField(label=_("活动类型"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.CharField(label=_("主题"), max_length=120)
    guardians_reached = forms.IntegerField(label=_("参与家长数"), min_value=0, max_value=5000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = selectors.classes_for(user)  # type: ignore[attr-defined]
