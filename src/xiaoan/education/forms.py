"""Forms of the education pages, bound with the user: schools to choose from come from the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.forms import scope_choices
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind

from .models import EducationActivity, Form, Topic

FIELDS = "title date form grade classes_text classes_reached headcount organiser summary materials".split()


def schools_for(user: Any, action: str) -> Any:
    return Unit.objects.for_user(user, action).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("path")


class ActivityForm(forms.ModelForm):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("学校"), queryset=Unit.objects.none())
    topics = forms.MultipleChoiceField(
        label=_("教育主题"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, help_text=_("可多选")
    )
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("可直接拍照上传；更多照片和资料可在保存后添加。"),
    )

    class Meta:
        model = EducationActivity
        fields = FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "materials": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        if editing:
            del self.fields["unit"], self.fields["photo"]
            self.initial["topics"] = self.instance.topic_values()
        else:
            schools = schools_for(user, "education.educationactivity.create")
            self.fields["unit"].queryset = schools  # type: ignore[attr-defined]
            only = list(schools[:2])
            if len(only) == 1:
                self.fields["unit"].initial = only[0].pk
                self.fields["unit"].widget = forms.HiddenInput()
            self.fields["date"].initial = timezone.localdate()
            self.fields["organiser"].initial = getattr(user, "display_name", "")
            self.order_fields(["unit", "title", "date", "topics", "form"])

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS}


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或组织人"), required=False)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.none()
    )
    topic = forms.ChoiceField(label=_("主题"), required=False, choices=[("", _("全部")), *Topic.choices])
    form = forms.ChoiceField(label=_("形式"), required=False, choices=[("", _("全部")), *Form.choices])
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "unit", Unit.objects.for_user(user).filter(is_active=True).order_by("path"))

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
