"""Plans per school, "my inspections due", the phone-first fill page and an inspection's record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.errors import DomainError
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.views import call_service, paginate

from .. import links, selectors, services
from ..forms import PlanForm, StartForm, parse_fill
from ..models import Answer, Campaign, InspectionPlan
from ..periods import period_label

PERIODS_SHOWN = 4  # the current period and the three before it


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.plan_list(request.user))
    statuses = selectors.plan_statuses(list(page.object_list), today=timezone.localdate(), periods=PERIODS_SHOWN)
    context = {
        "page": page,
        "statuses": statuses,
        "can_create": selectors.may(request.user, "inspections.inspectionplan.create"),
    }
    return render(request, "inspections/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "inspections.inspectionplan.create")
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.plan_create, actor=request.user, **form.cleaned_data) is not None:
            messages.success(request, _("排查计划已创建。"))
            return redirect("inspections:plan_list")
    return render(request, "inspections/plan_form.html", {"form": form})


@login_required
@require_POST
def plan_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_for_user(InspectionPlan, request.user, pk, action="change")
    services.plan_set_active(actor=request.user, plan=plan, is_active=not plan.is_active)
    return redirect("inspections:plan_list")


@login_required
@require_GET
def due(request: HttpRequest) -> HttpResponse:
    everyone = request.GET.get("all") == "1"
    plans = list(selectors.my_plans(request.user, everyone=everyone)[:100])
    statuses = selectors.plan_statuses(plans, today=timezone.localdate(), periods=PERIODS_SHOWN)
    context = {
        "statuses": statuses,
        "everyone": everyone,
        "drafts": selectors.inspection_list(request.user).filter(inspector_id=request.user.pk, state="draft")[:20],
        "start_form": StartForm(user=request.user)
        if selectors.may(request.user, "inspections.inspection.create")
        else None,
    }
    return render(request, "inspections/due.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Start (or reopen) an inspection: for a plan's current period, for a campaign, or ad hoc."""
    ensure_allowed(request.user, "inspections.inspection.create")
    school = request.membership.unit  # type: ignore[attr-defined]
    kwargs: dict = {}
    if request.POST.get("plan"):
        kwargs["plan"] = get_for_user(InspectionPlan, request.user, request.POST["plan"])
    elif request.POST.get("campaign"):
        kwargs["campaign"] = get_for_user(Campaign, request.user, request.POST["campaign"])
    else:
        form = StartForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("请选择检查表。"))
            return redirect("inspections:due")
        kwargs["template"] = form.cleaned_data["template"]
    try:
        inspection = services.inspection_start(actor=request.user, school=school, **kwargs)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return redirect("inspections:due")
    return redirect("inspections:inspection_fill", pk=inspection.pk)


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.inspection_list(request.user))
    return render(request, "inspections/inspection_list.html", {"page": page})


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_for_user(selectors.inspection_list(request.user), request.user, pk)
    answers = _with_photos(selectors.answers_of(inspection))
    hazards = links.hazards_by_id(request.user, [a.hazard_id for a in answers if a.hazard_id])
    for answer in answers:
        answer.hazard = hazards.get(answer.hazard_id or 0)  # type: ignore[attr-defined]
    context = {
        "inspection": inspection,
        "answers": answers,
        "period": period_label(inspection.period_key) if inspection.period_key else "",
        "can_fill": inspection.is_draft and selectors.may(request.user, "inspections.inspection.change", inspection),
    }
    return render(request, "inspections/inspection_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_fill(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_for_user(selectors.inspection_list(request.user), request.user, pk, action="change")
    if not inspection.is_draft:
        return redirect(inspection)
    answers = _with_photos(selectors.answers_of(inspection))
    assets = links.school_assets(request.user, inspection.school) if inspection.version.template.checks_assets else []
    error = None
    if request.method == "POST":
        values, photos, asset_results = parse_fill(request.POST, request.FILES, answers, assets)
        try:
            services.inspection_save(
                actor=request.user,
                inspection=inspection,
                answers=values,
                photos=photos,
                asset_results=asset_results if assets else None,
                note=request.POST.get("note", ""),
            )
            if request.POST.get("action") == "submit":
                services.inspection_submit(actor=request.user, inspection=inspection)
                messages.success(request, _("排查已提交。"))
                return redirect(inspection)
            messages.success(request, _("已保存草稿。"))
            return redirect("inspections:inspection_fill", pk=inspection.pk)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.message
        answers = _with_photos(selectors.answers_of(inspection))
    for asset in assets:
        asset.result = inspection.asset_results.get(str(asset.pk), {})
    context = {
        "inspection": inspection,
        "answers": answers,
        "assets": assets,
        "error": error,
    }
    return render(request, "inspections/inspection_fill.html", context, status=400 if error else 200)


def _with_photos(answers: list[Answer]) -> list[Answer]:
    photos = links.answer_photos(answers)
    for answer in answers:
        answer.photos = photos[answer.pk]  # type: ignore[attr-defined]
    return answers
