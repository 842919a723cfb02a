"""The workflow steps of one hazard, and 挂牌督办 with its progress reports. Each: scoped lookup with the
step's permission (404 outside scope, 403 for a role that may not), form, one service call, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xiaoan.core.errors import DomainError
from xiaoan.core.scoping import get_for_user
from xiaoan.orgs.views import call_service

from .. import services
from ..forms import AcceptanceRequestForm, AssignForm, CommentForm, GradeForm, ProgressForm, SupervisionForm
from ..models import Hazard, Supervision
from ..workflow import FORM_TRANSITIONS, HAZARD_WORKFLOW


def _step_page(request: HttpRequest, hazard: Hazard, form, title: str) -> HttpResponse:
    return render(request, "hazards/step.html", {"hazard": hazard, "form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def hazard_grade(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_for_user(Hazard, request.user, pk, action="grade")
    form = GradeForm(request.POST or None, initial={"category": hazard.category})
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.hazard_grade, actor=request.user, hazard=hazard, **form.cleaned_data):
            messages.success(request, _("已完成评估定级。"))
            return redirect(hazard)
    return _step_page(request, hazard, form, _("评估定级"))


@login_required
@require_http_methods(["GET", "POST"])
def hazard_assign(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_for_user(Hazard, request.user, pk, action="assign")
    form = AssignForm(request.POST or None, hazard=hazard)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.hazard_assign, actor=request.user, hazard=hazard, **form.cleaned_data):
            messages.success(request, _("已下达整改。"))
            return redirect(hazard)
    return _step_page(request, hazard, form, _("下达整改"))


@login_required
@require_http_methods(["GET", "POST"])
def hazard_request_acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_for_user(Hazard, request.user, pk, action="rectify")
    form = AcceptanceRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.hazard_request_acceptance, actor=request.user, hazard=hazard, **form.cleaned_data
        )
        if done:
            messages.success(request, _("已申请验收。"))
            return redirect(hazard)
    return _step_page(request, hazard, form, _("申请验收"))


@login_required
@require_POST
def hazard_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    transition = HAZARD_WORKFLOW.by_name.get(name)
    if transition is None or name in FORM_TRANSITIONS or transition.permission is None:
        return redirect("hazards:detail", pk=pk)
    hazard = get_for_user(Hazard, request.user, pk, action=transition.permission)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.hazard_transition(actor=request.user, hazard=hazard, name=name, comment=form.cleaned_data["comment"])
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已执行：%(action)s。") % {"action": transition.label})
    return redirect(hazard)


@login_required
@require_http_methods(["GET", "POST"])
def hazard_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_for_user(Hazard, request.user, pk, action="hazards.supervision.create")
    form = SupervisionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.supervision_open, actor=request.user, hazard=hazard, **form.cleaned_data):
            messages.success(request, _("已挂牌督办。"))
            return redirect(hazard)
    return _step_page(request, hazard, form, _("挂牌督办"))


@login_required
@require_http_methods(["GET", "POST"])
def supervision_progress(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = get_for_user(
        Supervision.objects.select_related("hazard"), request.user, pk, action="hazards.supervisionreport.create"
    )
    form = ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = call_service(
            form, services.supervision_report_add, actor=request.user, supervision=supervision, **form.cleaned_data
        )
        if report is not None:
            messages.success(request, _("进展已报送督办单位。"))
            return redirect(supervision.hazard)
    return _step_page(request, supervision.hazard, form, _("报送督办进展"))
