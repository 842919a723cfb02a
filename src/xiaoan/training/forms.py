"""Forms of the training pages, bound with the user (units and staff come from the user's scope)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.forms import scope_choices
from xiaoan.orgs.models import Unit, User
from xiaoan.orgs.policy import active_membership

from .models import StaffCategory, TrainingSession

FIELDS = ["title", "category", "date", "hours", "provider", "is_fire_training", "notes"]


class SessionForm(forms.ModelForm):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())

    class Meta:
        model = TrainingSession
        fields = FIELDS
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["unit"]
            return
        units = Unit.objects.for_user(user, "training.trainingsession.create").filter(is_active=True).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        membership = active_membership(user)
        self.fields["unit"].initial = membership.unit_id if membership else None
        self.fields["date"].initial = timezone.localdate()
        self.order_fields(["unit", *FIELDS])

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS}


class AttendeesForm(forms.Form):
    """Bulk entry: tick the unit's staff, and/or type one person per line: 姓名,证件号,证书编号,有效期至."""

    users: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label=_("本单位人员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    others = forms.CharField(
        label=_("其他参训人员（无账号）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一人：姓名,证件号或工号,证书编号,证书有效期至（如 2027-06-30）；后三项可省略。"),
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = staff  # type: ignore[attr-defined]
        self.fields["users"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]

    def clean_others(self) -> list[dict[str, Any]]:
        import datetime as dt

        people = []
        for number, line in enumerate(self.cleaned_data["others"].splitlines(), start=1):
            parts = [part.strip() for part in line.replace("，", ",").split(",")]
            if not parts[0]:
                continue
            parts += [""] * (4 - len(parts))
            expiry = None
            if parts[3]:
                try:
                    expiry = dt.date.fromisoformat(parts[3])
                except ValueError:
                    raise forms.ValidationError(
                        _("第 %(n)d 行的日期应写成 2027-06-30。 Line %(n)d: write the date as 2027-06-30.")
                        % {"n": number}
                    ) from None
            people.append({"name": parts[0], "id_number": parts[1], "certificate_no": parts[2],
                           "certificate_expiry": expiry})  # fmt: skip
        return people


class SessionFilterForm(forms.Form):
    q = forms.CharField(label=_("课程或机构"), required=False)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.none()
    )
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *StaffCategory.choices])
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    fire = forms.BooleanField(label=_("仅消防培训"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "unit", Unit.objects.for_user(user).filter(is_active=True).order_by("path"))

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}
