"""Forms of the org pages. Each is bound with the user: its choices come from the user's scope only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Unit, User
from .roles import Role, Stage, UnitKind

UNIT_FORM_FIELDS = [
    "name",
    "short_name",
    "kind",
    "code",
    "stage",
    "is_boarding",
    "pupils",
    "boarders",
    "staff_count",
    "runs_buses",
    "address",
    "latitude",
    "longitude",
    "phone",
]
YES_NO = [("", _("不限")), ("1", _("是")), ("0", _("否"))]


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Put a model's validation error on the form: on the field when it has one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def scope_choices(form: forms.Form, name: str, queryset: Any) -> None:
    """Limit a choice field to rows of the user's scope."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def style_widgets(form: forms.BaseForm) -> None:
    """Tabler classes on every widget, so templates can render ``{{ field }}``; radio and checkbox groups
    keep their own markup."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def branch_choices(form: forms.Form, user: Any, name: str = "unit") -> None:
    """A unit filter for bureau users: the units one level below their own (for drilling down), plus the
    one chosen by a drill-down link (any unit in scope). School users get no such field."""
    from .policy import active_membership

    membership = active_membership(user)
    if membership is None or membership.unit.is_school:
        del form.fields[name]
        return
    chosen = str(form.data.get(name) or "")
    near = Q(depth__lte=membership.unit.depth + 1)
    if chosen.isdigit():
        near |= Q(pk=int(chosen))
    scope_choices(form, name, Unit.objects.for_user(user).filter(near).order_by("path"))


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), required=False)
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *UnitKind.choices])
    stage = forms.ChoiceField(label=_("学段"), required=False, choices=[("", _("全部")), *Stage.choices])
    county: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("所属县区"), required=False, queryset=Unit.objects.none()
    )
    boarding = forms.ChoiceField(label=_("寄宿制"), required=False, choices=YES_NO)
    buses = forms.ChoiceField(label=_("开通校车"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "county", selectors.bureau_choices(user).filter(kind=UnitKind.COUNTY_BUREAU))

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class UnitForm(forms.Form):
    """Create a unit under an in-scope bureau, or edit one; the service does the validation of record."""

    parent: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("上级单位"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        if unit is not None:
            kwargs.setdefault("initial", {field: getattr(unit, field) for field in [*UNIT_FORM_FIELDS, "is_active"]})
            kwargs["initial"].setdefault("parent", unit.parent_id)
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Unit, fields=UNIT_FORM_FIELDS))
        if unit is not None:
            self.fields.update(fields_for_model(Unit, fields=["is_active"]))
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value, label) for value, label in UnitKind.choices if value != UnitKind.CITY_BUREAU]
        parents = selectors.bureau_choices(user, "create")
        if unit is not None:
            parents = parents.exclude(path__startswith=unit.path)
            self.fields["kind"].disabled = unit.kind == UnitKind.COUNTY_BUREAU
            if unit.parent_id is None or not parents.filter(pk=unit.parent_id).exists():
                del self.fields["parent"]  # the actor's own unit, or no bureau to move it to
        if "parent" in self.fields:
            scope_choices(self, "parent", parents)
            self.order_fields(["parent", *UNIT_FORM_FIELDS])

    def service_fields(self) -> dict[str, Any]:
        data = {field: self.cleaned_data[field] for field in UNIT_FORM_FIELDS if field in self.cleaned_data}
        if "is_active" in self.fields:
            data["is_active"] = self.cleaned_data["is_active"]
        for field in ("short_name", "stage", "address", "phone"):
            data[field] = data[field] or ""
        if data["kind"] != UnitKind.SCHOOL:
            data["stage"] = ""
        return data


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或用户名"), required=False)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=_("单位"), required=False, queryset=Unit.objects.none()
    )
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部")), *Role.choices])
    active = forms.ChoiceField(label=_("账号有效"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "unit", Unit.objects.for_user(user).order_by("path"))

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class MembershipGrantForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "unit", Unit.objects.for_user(user, "orgs.membership.create").order_by("path"))


class PersonCreateForm(MembershipGrantForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.RegexField(
        label=_("手机号"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("请输入11位手机号。 Enter an 11-digit mobile number.")},
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    field_order = ["unit", "role", "title", "username", "full_name", "phone", "email"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        scope_choices(self, "unit", Unit.objects.for_user(user, "orgs.user.create").order_by("path"))

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("该用户名已被使用。 This user name is taken."))
        return username
