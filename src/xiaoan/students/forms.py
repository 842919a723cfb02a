"""Forms of the roster pages; choices come from the user's own school."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import Role, UnitKind

from .grades import GRADE_CHOICES
from .identity import IdentityError, normalise_id_number, normalise_mobile
from .models import Gender, PupilStatus, Relation, SchoolClass
from .services import GuardianInput


def teachers_of(user: Any, unit: Unit) -> Any:
    staff = Membership.objects.for_user(user, "students.schoolclass.view").filter(
        unit=unit, is_active=True, role__in=[Role.STAFF, Role.LEADER, Role.SAFETY_OFFICER, Role.UNIT_ADMIN]
    )
    return User.objects.filter(pk__in=staff.values("user_id"), is_active=True).order_by("full_name", "username")


class SchoolClassForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("年级"), choices=GRADE_CHOICES, coerce=int)
    number = forms.IntegerField(label=_("班号"), min_value=1, max_value=99, required=False)
    name = forms.CharField(
        label=_("班级名称"), max_length=40, required=False, help_text=_("留空则按“三年级（2）班”命名")
    )
    class_teacher = forms.ModelChoiceField(label=_("班主任"), queryset=User.objects.none(), required=False)
    is_active = forms.BooleanField(label=_("在用"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, unit: Unit, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["class_teacher"].queryset = teachers_of(user, unit)  # type: ignore[attr-defined]
        if editing:
            del self.fields["grade"], self.fields["number"]
            self.fields["name"].required = True
        else:
            del self.fields["is_active"]


class PupilForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    date_of_birth = forms.DateField(label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    student_number = forms.CharField(label=_("学号"), max_length=30, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    guardian1_name = forms.CharField(label=_("监护人1姓名"), max_length=50, required=False)
    guardian1_relation = forms.ChoiceField(label=_("监护人1关系"), choices=Relation.choices, required=False)
    guardian1_mobile = forms.CharField(label=_("监护人1手机号"), max_length=20, required=False)
    guardian2_name = forms.CharField(label=_("监护人2姓名"), max_length=50, required=False)
    guardian2_relation = forms.ChoiceField(label=_("监护人2关系"), choices=Relation.choices, required=False)
    guardian2_mobile = forms.CharField(label=_("监护人2手机号"), max_length=20, required=False)

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        try:
            return normalise_id_number(value) if value else ""
        except IdentityError as exc:
            raise forms.ValidationError(str(exc)) from None

    def _clean_mobile(self, key: str) -> str:
        value = self.cleaned_data[key].strip()
        try:
            return normalise_mobile(value) if value else ""
        except IdentityError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_guardian1_mobile(self) -> str:
        return self._clean_mobile("guardian1_mobile")

    def clean_guardian2_mobile(self) -> str:
        return self._clean_mobile("guardian2_mobile")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in (1, 2):
            if data.get(f"guardian{n}_mobile") and not data.get(f"guardian{n}_name"):
                self.add_error(f"guardian{n}_name", _("填写了手机号但缺少监护人姓名。"))
        return data

    def pupil_fields(self) -> dict[str, Any]:
        keys = ("name", "gender", "date_of_birth", "student_number", "id_number")
        return {key: self.cleaned_data[key] for key in keys}

    def guardians(self) -> list[GuardianInput]:
        data = self.cleaned_data
        return [
            GuardianInput(
                data[f"guardian{n}_name"], data[f"guardian{n}_relation"] or Relation.OTHER, data[f"guardian{n}_mobile"]
            )
            for n in (1, 2)
            if data.get(f"guardian{n}_name")
        ]


class ClassChoiceForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("班级"), queryset=SchoolClass.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = (  # type: ignore[attr-defined]
            SchoolClass.objects.for_user(user, "view").filter(is_active=True).order_by("grade", "number", "name")
        )


class TransferForm(forms.Form):
    to_code = forms.RegexField(
        label=_("转入学校标识码"), regex=r"^\d{10}$", help_text=_("10位学校标识码，可向转入学校询问")
    )

    def clean_to_code(self) -> Unit:
        schools = Unit.objects.system("any school of the city may receive a transferred pupil")
        school = schools.filter(kind=UnitKind.SCHOOL, is_active=True, code=self.cleaned_data["to_code"]).first()
        if school is None:
            raise forms.ValidationError(_("本市没有该标识码的学校。"))
        return school


class LeaveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("离校类别"),
        choices=[(PupilStatus.LEFT, _("离校（退学、休学等）")), (PupilStatus.TRANSFERRED_OUT, _("转出到市外学校"))],
    )


class PromotionForm(forms.Form):
    from_year = forms.IntegerField(label=_("升级前学年"), min_value=2000, max_value=2100)
    confirm = forms.BooleanField(label=_("我已核对：各班升入下一年级，最高年级学生毕业"), required=True)
