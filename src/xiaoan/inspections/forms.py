"""Forms of the inspection pages, bound with the user (choices come from the user's scope only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from xiaoan.orgs.forms import scope_choices
from xiaoan.orgs.models import Unit, User
from xiaoan.orgs.roles import Role, Stage, UnitKind

from . import selectors
from .models import Answer, AnswerType, ChecklistTemplate, Frequency, HazardCategory, Section, Topic

STAGE_CHOICES = Stage.choices


class StyledForm(forms.Form):
    """Tabler classes on every widget, so templates can render ``{{ field }}`` as is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class TemplateForm(StyledForm):
    title = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    hazard_category = forms.ChoiceField(label=_("默认隐患类别"), choices=HazardCategory.choices)
    checks_assets = forms.BooleanField(label=_("检查安全设施器材（消防检查）"), required=False)
    stages = forms.MultipleChoiceField(
        label=_("适用学段"), choices=STAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )


class SectionForm(StyledForm):
    title = forms.CharField(label=_("分组名称"), max_length=100)
    hazard_category = forms.ChoiceField(
        label=_("隐患类别"), choices=[("", _("同模板")), *HazardCategory.choices], required=False
    )


class ItemForm(StyledForm):
    section = forms.TypedChoiceField(label=_("分组"), coerce=int)
    text = forms.CharField(label=_("检查内容"), max_length=300)
    answer_type = forms.ChoiceField(label=_("回答方式"), choices=AnswerType.choices)
    minimum = forms.DecimalField(label=_("下限"), required=False, max_digits=10, decimal_places=2)
    maximum = forms.DecimalField(label=_("上限"), required=False, max_digits=10, decimal_places=2)
    unit_label = forms.CharField(label=_("单位"), max_length=20, required=False)
    photo_required_when_failed = forms.BooleanField(label=_("不合格时须拍照"), required=False)
    weight = forms.IntegerField(label=_("分值"), required=False, min_value=0, max_value=1000)
    hazard_category = forms.ChoiceField(
        label=_("隐患类别"), choices=[("", _("同分组")), *HazardCategory.choices], required=False
    )

    def __init__(self, *args: Any, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(section.pk, section.title) for section in sections]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("上限不能小于下限。"))
        return data


class PlanForm(StyledForm):
    school: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("学校"), queryset=Unit.objects.none())
    template: forms.ModelChoiceField[ChecklistTemplate] = forms.ModelChoiceField(
        label=_("检查表"), queryset=ChecklistTemplate.objects.none()
    )
    frequency = forms.ChoiceField(label=_("频次"), choices=Frequency.choices)
    assignee_role = forms.ChoiceField(label=_("负责岗位"), choices=[("", "—"), *Role.choices], required=False)
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("负责人"), queryset=User.objects.none(), required=False
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        scope_choices(self, "school", Unit.objects.for_user(user).filter(kind=UnitKind.SCHOOL, is_active=True))
        scope_choices(self, "template", selectors.template_list(user).filter(is_active=True))
        scope_choices(self, "assignee", User.objects.for_user(user).filter(is_active=True).order_by("full_name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("assignee_role") and not data.get("assignee"):
            self.add_error("assignee_role", _("请指定负责岗位或负责人。"))
        return data


class StartForm(StyledForm):
    template: forms.ModelChoiceField[ChecklistTemplate] = forms.ModelChoiceField(
        label=_("检查表"), queryset=ChecklistTemplate.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "template", selectors.template_list(user).filter(is_active=True))


class CampaignForm(StyledForm):
    title = forms.CharField(label=_("名称"), max_length=120)
    topic = forms.ChoiceField(label=_("主题"), choices=Topic.choices)
    template: forms.ModelChoiceField[ChecklistTemplate] = forms.ModelChoiceField(
        label=_("检查表"), queryset=ChecklistTemplate.objects.none()
    )
    stages = forms.MultipleChoiceField(
        label=_("覆盖学段（不选：全部学校）"),
        choices=STAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    requirements = forms.CharField(label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_choices(self, "template", selectors.template_list(user).filter(is_active=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("截止日期不能早于开始日期。"))
        return data


class LedgerForm(StyledForm):
    PERIODS = [("month", _("月")), ("semester", _("学期")), ("year", _("年"))]

    school: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(label=_("学校"), queryset=Unit.objects.none())
    period = forms.ChoiceField(label=_("周期"), choices=PERIODS, initial="month")
    day = forms.DateField(label=_("所在日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("day", timezone.localdate())
        super().__init__(*args, **kwargs)
        scope_choices(self, "school", Unit.objects.for_user(user).filter(kind=UnitKind.SCHOOL).order_by("path"))


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def parse_fill(
    post: QueryDict, files: MultiValueDict, answers: list[Answer], assets: list[Any]
) -> tuple[dict[int, dict[str, Any]], dict[int, list[Any]], dict[int, dict[str, Any]]]:
    """The fill page's fields (``a<id>-result``, ``-number``, ``-text``, ``-note``, ``-place``, ``-hazard``,
    ``-photo`` per answer; ``asset<id>-ok``, ``-note`` per asset) as service arguments."""
    values: dict[int, dict[str, Any]] = {}
    photos: dict[int, list[Any]] = {}
    for answer in answers:
        prefix = f"a{answer.pk}-"
        values[answer.pk] = {
            "result": post.get(prefix + "result", ""),
            "number": _decimal(post.get(prefix + "number", "")),
            "text": post.get(prefix + "text", ""),
            "note": post.get(prefix + "note", ""),
            "place": post.get(prefix + "place", ""),
            "make_hazard": post.get(prefix + "hazard") == "on",
        }
        uploads = [upload for upload in files.getlist(prefix + "photo") if upload]
        if uploads:
            photos[answer.pk] = uploads
    asset_results: dict[int, dict[str, Any]] = {}
    for asset in assets:
        ok = post.get(f"asset{asset.pk}-ok", "")
        asset_results[asset.pk] = {
            "ok": {"1": True, "0": False}.get(ok),
            "note": post.get(f"asset{asset.pk}-note", "")[:200],
        }
    return values, photos, asset_results


def ledger_window(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    from .periods import semester_of

    if period == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if period == "semester":
        semester = semester_of(day)
        return semester.start, semester.end
    start = day.replace(day=1)
    return start, (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
