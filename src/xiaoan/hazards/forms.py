"""Forms of the hazard pages, bound with the user: unit and people choices come from the user's scope only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.forms import YES_NO, scope_choices
from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import UnitKind

from .models import Category, Grade, Hazard, State

SCHOOL_CHOICES_SHOWN = 500


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "image/*", "capture": "environment", "multiple": True, **(attrs or {})})


class PhotosField(forms.FileField):
    """Zero or more photos; type and size are checked by the service (content sniffed, not the name)."""

    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(PhotosField, self).clean(item, initial) for item in items]


class StyledForm(forms.Form):
    """Tabler classes on the text inputs (the page templates render choices and files themselves)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.Textarea | forms.DateInput | forms.NumberInput):
                field.widget.attrs.setdefault("class", "form-control")


class HazardFilterForm(forms.Form):
    county: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("县区"), required=False, queryset=Unit.objects.none()
    )
    school: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("学校"), required=False, queryset=Unit.objects.none()
    )
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *Category.choices])
    grade = forms.ChoiceField(label=_("等级"), required=False, choices=[("", _("全部")), *Grade.choices])
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("open", _("未销号")), *State.choices]
    )
    overdue = forms.ChoiceField(label=_("逾期"), required=False, choices=YES_NO)
    supervised = forms.ChoiceField(label=_("挂牌督办"), required=False, choices=YES_NO)
    reported_from = forms.DateField(
        label=_("报告日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reported_to = forms.DateField(label=_("报告日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.for_user(user, "orgs.unit.view").filter(is_active=True).only("pk", "name", "path")
        membership = active_membership(user)
        if membership is None or membership.unit.kind != UnitKind.CITY_BUREAU:
            del self.fields["county"]
        else:
            scope_choices(self, "county", units.filter(kind=UnitKind.COUNTY_BUREAU))
        if membership is None or membership.unit.is_school:
            del self.fields["school"]
        else:
            schools = units.filter(kind=UnitKind.SCHOOL)
            county_id = self.data.get("county") if self.is_bound else None
            if county_id and str(county_id).isdigit():
                schools = schools.filter(parent_id=int(county_id))
            # the id of any school in scope is accepted; the drop-down lists the first ones
            scope_choices(self, "school", schools)
            field = self.fields["school"]
            assert isinstance(field, forms.ModelChoiceField)
            field.widget.choices = [("", "---------")] + [
                (u.pk, u.name) for u in schools.order_by("path")[:SCHOOL_CHOICES_SHOWN]
            ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class HazardReportForm(StyledForm):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices, widget=forms.RadioSelect)
    place = forms.CharField(label=_("位置"), max_length=100)
    description = forms.CharField(label=_("隐患描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("照片"), required=False)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = active_membership(user)
        units = Unit.objects.for_user(user, "orgs.unit.view").filter(is_active=True)
        scope_choices(self, "unit", units)
        if membership is not None:
            self.fields["unit"].initial = membership.unit_id
            if membership.unit.is_school:
                self.fields["unit"].widget = forms.HiddenInput()


class GradeForm(StyledForm):
    grade = forms.ChoiceField(label=_("隐患等级"), choices=Grade.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    comment = forms.CharField(label=_("评估意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(StyledForm):
    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("整改责任人"), queryset=User.objects.none()
    )
    responsible_post = forms.CharField(label=_("责任人岗位"), max_length=50, required=False)
    measures = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    funds = forms.DecimalField(label=_("整改资金（元）"), required=False, min_value=0, max_digits=12, decimal_places=2)
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))
    goal = forms.CharField(label=_("治理目标和任务"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    organisation = forms.CharField(label=_("组织机构和人员"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    materials = forms.CharField(label=_("经费和物资落实"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    safety_measures = forms.CharField(
        label=_("治理期间安全措施"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    contingency_plan = forms.CharField(label=_("应急预案"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    comment = forms.CharField(label=_("说明"), required=False)

    MAJOR_ONLY = ("goal", "organisation", "materials", "safety_measures", "contingency_plan")

    def __init__(self, *args: Any, hazard: Hazard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.system("people of a unit the user may act on").filter(
            unit_id=hazard.unit_id, is_active=True
        )
        scope_choices(self, "responsible", User.objects.filter(pk__in=members.values("user_id"), is_active=True))
        if not hazard.is_major:
            for name in self.MAJOR_ONLY:
                del self.fields[name]


class AcceptanceRequestForm(StyledForm):
    photos = PhotosField(label=_("整改后照片"), required=True)
    comment = forms.CharField(label=_("整改情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(StyledForm):
    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SupervisionForm(StyledForm):
    leader: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("督办领导"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("督办期限"), widget=forms.DateInput(attrs={"type": "date"}))
    required_reports = forms.CharField(
        label=_("报告要求"),
        initial=_("每周报送一次整改进展（文字和照片），整改完成后申请督办单位验收。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership = active_membership(user)
        members = Membership.objects.system("people of the user's own unit").filter(is_active=True)
        members = members.filter(unit_id=membership.unit_id) if membership else members.none()
        scope_choices(self, "leader", User.objects.filter(pk__in=members.values("user_id"), is_active=True))


class ProgressForm(StyledForm):
    text = forms.CharField(label=_("进展情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("照片"), required=False)


class PublicReportForm(forms.Form):
    place = forms.CharField(label=_("位置"), max_length=100)
    description = forms.CharField(label=_("看到了什么隐患"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    phone = forms.RegexField(label=_("手机号（选填，用于反馈）"), regex=r"^1[3-9]\d{9}$", required=False, max_length=11)
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=200)
    # a field people never see: a bot that fills every input fills this one too
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=30)
