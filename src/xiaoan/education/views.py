"""Pages of safety education: the activity list (HTMX-filtered), an activity, record and edit, the ledger
export, coverage (a school's topics, or a region's county × topic matrix) and the theme-day calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.orgs.models import Unit
from xiaoan.orgs.views import call_service, is_htmx, paginate, querystring_without_page

from . import selectors, services
from .forms import ActivityFilterForm, ActivityForm
from .models import EducationActivity, Form

EXPORT_CHUNK = 2000


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, selectors.VIEW)
    form = ActivityFilterForm(request.GET or None, user=request.user)
    policy = get_policy()
    context = {
        "form": form,
        "page": paginate(request, selectors.activity_list(request.user, form.filters())),
        "querystring": querystring_without_page(request),
        "can_create": policy.allows(request.user, "education.educationactivity.create"),
        "can_export": policy.allows(request.user, "education.educationactivity.export"),
    }
    template = "education/_activity_table.html" if is_htmx(request) else "education/activity_list.html"
    return render(request, template, context)


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_for_user(EducationActivity.objects.select_related("unit", "recorded_by"), request.user, pk)
    can_change = get_policy().allows(request.user, "education.educationactivity.change", path=activity.scope_path)
    return render(request, "education/activity_detail.html", {"activity": activity, "can_change": can_change})


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "education.educationactivity.create")
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # the model's "form" (形式) field would clash with call_service's own argument: bind it first
        record = partial(services.activity_record, **form.service_fields())
        activity = call_service(
            cast(Any, form), record, actor=request.user, unit=data["unit"], topics=data["topics"],
            photos=[data["photo"]] if data.get("photo") else [],
        )  # fmt: skip
        if activity is not None:
            messages.success(request, _("安全教育活动已登记。"))
            return redirect(activity)
    return render(request, "education/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_for_user(EducationActivity, request.user, pk, action="change")
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        update = partial(services.activity_update, **form.service_fields())
        updated = call_service(
            cast(Any, form), update, actor=request.user, activity=activity, topics=form.cleaned_data["topics"]
        )
        if updated is not None:
            messages.success(request, _("已保存。"))
            return redirect(updated)
    return render(request, "education/activity_form.html", {"form": form, "activity": activity})


def _ledger_rows(activities: Any) -> Iterator[list[Any]]:
    forms = dict(Form.choices)
    for activity in activities.iterator(chunk_size=EXPORT_CHUNK):
        yield [
            activity.unit.name, activity.date, activity.title, "、".join(activity.topic_labels()),
            forms.get(activity.form, activity.form), activity.grade, activity.classes_text,
            activity.classes_reached, activity.headcount, activity.organiser, activity.summary, activity.materials,
        ]  # fmt: skip


@login_required
@require_GET
@use_replica()
def activity_export(request: HttpRequest) -> FileResponse:
    """安全教育台帐: the filtered list as xlsx."""
    from xiaoan.core.tabular.export import xlsx_response

    ensure_allowed(request.user, "education.educationactivity.export")
    form = ActivityFilterForm(request.GET or None, user=request.user)
    activities = selectors.activity_list(request.user, form.filters(), action="export")
    headers = [
        _("学校"), _("日期"), _("活动名称"), _("教育主题"), _("形式"), _("年级"), _("班级"), _("覆盖班级数"),
        _("参加人数"), _("组织人"), _("活动小结"), _("教材与资料"),
    ]  # fmt: skip
    title = _("安全教育台帐")
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(_ledger_rows(activities), headers=headers, filename=filename, sheet_title=title)


def _day_param(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """A school's coverage this semester, or the matrix of the units below the chosen (or own) bureau."""
    ensure_allowed(request.user, selectors.VIEW)
    unit_id = request.GET.get("unit")
    base = get_for_user(Unit, request.user, unit_id) if unit_id else request.membership.unit  # type: ignore[attr-defined]
    start, end = selectors.semester_of(_day_param(request))
    context: dict[str, Any] = {
        "base": base,
        "start": start,
        "end": end,
        "previous": start - dt.timedelta(days=1),
        "next": end + dt.timedelta(days=1) if end < timezone.localdate() else None,
        "own_unit": request.membership.unit,  # type: ignore[attr-defined]
    }
    if base.is_school:
        context["coverage"] = selectors.school_coverage(request.user, base, start, end)
        return render(request, "education/coverage_school.html", context)
    topics, rows = selectors.region_matrix(request.user, base, start, end)
    context.update(topics=topics, rows=rows, thin_percent=get_rule("education.thin_coverage_percent"))
    return render(request, "education/coverage_region.html", context)


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, selectors.VIEW)
    today = timezone.localdate()
    try:
        year = max(2000, min(2100, int(request.GET.get("year", today.year))))
    except ValueError:
        year = today.year
    obliged = set(get_rule("education.theme_day_obligations", on=dt.date(year, 12, 31)))
    days = selectors.enabled_theme_days(year)
    unit = request.membership.unit  # type: ignore[attr-defined]
    done = selectors.theme_days_done(request.user, days, unit) if unit.is_school else set()
    context = {
        "year": year,
        "days": days,
        "obliged": obliged,
        "done": done,
        "is_school": unit.is_school,
        "today": today,
        "window": get_rule("education.theme_day_window_days"),
    }
    return render(request, "education/calendar.html", context)
