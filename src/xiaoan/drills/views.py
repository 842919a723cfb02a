"""Drill and plan pages: lists, plan a drill, record it (phone-friendly, with a photo), plans and versions,
and the follow-ups of problems found (assign an owner and a due date, mark fixed)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.core.workflow.engine import history
from xiaoan.orgs.views import call_service, paginate, querystring_without_page

from . import selectors, services
from .forms import (
    CancelForm,
    DrillFilterForm,
    DrillPlanForm,
    DrillRecordForm,
    FollowUpAssignForm,
    FollowUpFilterForm,
    PlanForm,
    PlanVersionForm,
)
from .models import Drill, DrillFollowUp, EmergencyPlan
from .workflow import DRILL_WORKFLOW


def _allows(request: HttpRequest, permission: str, obj: object = None) -> bool:
    path = getattr(obj, "scope_path", None)
    return get_policy().allows(request.user, permission, path=path)


@login_required
@require_GET
def drill_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "drills.drill.view")
    form = DrillFilterForm(request.GET or None)
    page = paginate(request, selectors.drill_list(request.user, form.filters()))
    context = {
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        "can_create": _allows(request, "drills.drill.create"),
    }
    return render(request, "drills/drill_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def drill_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "drills.drill.create")
    form = DrillPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = request.membership.unit  # type: ignore[attr-defined]
        drill = call_service(form, services.drill_plan, actor=request.user, unit=unit, **form.cleaned_data)
        if drill is not None:
            messages.success(request, _("演练计划已保存。"))
            return redirect(drill)
    return render(request, "drills/drill_form.html", {"form": form})


@login_required
@require_GET
def drill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    drill = get_for_user(Drill, request.user, pk)
    can_change = _allows(request, "drills.drill.change", drill)
    context = {
        "drill": drill,
        "can_change": can_change,
        "actions": DRILL_WORKFLOW.available(drill, request.user),
        "follow_ups": DrillFollowUp.objects.for_user(request.user).filter(drill=drill).select_related("owner"),
        "can_report_hazard": can_change and services.hazard_reporter() is not None,
        "log": history(drill).select_related("actor"),
        "cancel_form": CancelForm(),
    }
    return render(request, "drills/drill_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def drill_record(request: HttpRequest, pk: int) -> HttpResponse:
    drill = get_for_user(Drill, request.user, pk, action="change")
    form = DrillRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo")
        done = call_service(
            form, services.drill_record, actor=request.user, drill=drill, photos=(photo,) if photo else (), **data
        )
        if done is not None:
            messages.success(request, _("演练已记录。"))
            return redirect(done)
    return render(request, "drills/drill_record.html", {"form": form, "drill": drill})


@login_required
@require_POST
def drill_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    drill = get_for_user(Drill, request.user, pk, action="change")
    form = CancelForm(request.POST)
    if form.is_valid():
        if call_service(
            form, services.drill_cancel, actor=request.user, drill=drill, reason=form.cleaned_data["reason"]
        ):
            messages.success(request, _("演练已取消。"))
            return redirect(drill)
    messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or _("请填写取消原因。"))
    return redirect(drill)


@login_required
@require_POST
def follow_up_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    follow_up = get_for_user(DrillFollowUp, request.user, pk, action="change")
    service: Any = {"close": services.follow_up_close, "hazard": services.follow_up_to_hazard}.get(action)
    if service is None:
        return redirect(follow_up.drill)
    form = CancelForm()
    if call_service(form, service, actor=request.user, follow_up=follow_up) is None:
        messages.error(request, " ".join(str(error) for error in form.non_field_errors()))
    return _back(request, follow_up)


def _back(request: HttpRequest, follow_up: DrillFollowUp) -> HttpResponse:
    """To the page the action came from (the follow-up list keeps its filter), else to the drill."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(follow_up.drill)


@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "drills.drillfollowup.view")
    form = FollowUpFilterForm(request.GET or None)
    today = timezone.localdate()
    page = paginate(request, selectors.follow_up_list(request.user, today=today, **form.filters()))
    context = {
        "form": form,
        "page": page,
        "today": today,
        "querystring": querystring_without_page(request),
        "can_change": _allows(request, "drills.drillfollowup.change"),
    }
    return render(request, "drills/follow_up_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_assign(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_for_user(DrillFollowUp, request.user, pk, action="change")
    initial = {"owner": follow_up.owner_id, "due_on": follow_up.due_on.isoformat() if follow_up.due_on else ""}
    staff = selectors.school_staff(follow_up.drill.unit_id)
    form = FollowUpAssignForm(request.POST or None, initial=initial, staff=staff)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.follow_up_assign, actor=request.user, follow_up=follow_up, **form.cleaned_data):
            messages.success(request, _("已指定整改责任人和期限。"))
            return _back(request, follow_up)
    context = {"form": form, "follow_up": follow_up, "next": request.GET.get("next") or request.POST.get("next", "")}
    return render(request, "drills/follow_up_form.html", context)


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "drills.emergencyplan.view")
    page = paginate(request, selectors.plan_list(request.user))
    context = {
        "page": page,
        "querystring": querystring_without_page(request),
        "can_create": _allows(request, "drills.emergencyplan.create"),
        "review_due": {plan.pk for plan in page.object_list if services.plan_review_due(plan)},
    }
    return render(request, "drills/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "drills.emergencyplan.create")
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = request.membership.unit  # type: ignore[attr-defined]
        plan = call_service(form, services.plan_create, actor=request.user, unit=unit, **form.cleaned_data)
        if plan is not None:
            return redirect("drills:plan_revise", plan.pk)
    return render(request, "drills/plan_form.html", {"form": form})


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_for_user(EmergencyPlan, request.user, pk)
    context = {
        "plan": plan,
        "versions": plan.versions.select_related("created_by"),
        "review_due": services.plan_review_due(plan),
        "can_change": _allows(request, "drills.emergencyplan.change", plan),
    }
    return render(request, "drills/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_for_user(EmergencyPlan, request.user, pk, action="change")
    form = PlanVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        version = call_service(form, services.plan_revise, actor=request.user, plan=plan, **form.cleaned_data)
        if version is not None:
            messages.success(request, _("预案新版本已登记。"))
            return redirect(plan)
    return render(request, "drills/plan_version_form.html", {"form": form, "plan": plan})
