"""Risk point pages: the list (HTMX-filtered), one risk point with its reviews, create, edit, review, and the
four-colour distribution. Exports are in ``exports``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.orgs.models import Unit
from xiaoan.orgs.views import call_service, is_htmx, paginate, querystring_without_page

from . import selectors, services
from .forms import RiskFilterForm, RiskPointForm, RiskReviewForm
from .models import RiskPoint


@login_required
@require_GET
def risk_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "risks.riskpoint.view")
    form = RiskFilterForm(request.GET or None, user=request.user)
    policy = get_policy()
    context = {
        "form": form,
        "page": paginate(request, selectors.risk_point_list(request.user, form.filters())),
        "querystring": querystring_without_page(request),
        "today": timezone.localdate(),
        "can_create": policy.allows(request.user, "risks.riskpoint.create"),
        "can_export": policy.allows(request.user, "risks.riskpoint.export"),
    }
    template = "risks/_risk_table.html" if is_htmx(request) else "risks/risk_list.html"
    return render(request, template, context)


@login_required
@require_GET
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk_point = get_for_user(RiskPoint.objects.select_related("unit", "responsible"), request.user, pk)
    policy = get_policy()
    context = {
        "risk": risk_point,
        "reviews": risk_point.reviews.select_related("reviewer"),
        "can_change": policy.allows(request.user, "risks.riskpoint.change", path=risk_point.scope_path),
        "can_review": policy.allows(request.user, "risks.riskpoint.review", path=risk_point.scope_path),
    }
    return render(request, "risks/risk_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "risks.riskpoint.create")
    school: Unit = request.membership.unit  # type: ignore[attr-defined]
    form = RiskPointForm(request.POST or None, user=request.user, unit=school)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, services.risk_point_create, actor=request.user, unit=school, **form.service_fields()
        )
        if created is not None:
            messages.success(request, _("风险点已登记。"))
            return redirect(created)
    return render(request, "risks/risk_form.html", {"form": form, "risk": None})


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk_point = get_for_user(RiskPoint.objects.select_related("unit"), request.user, pk, action="change")
    form = RiskPointForm(request.POST or None, user=request.user, unit=risk_point.unit, risk_point=risk_point)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        updated = call_service(form, services.risk_point_update, actor=request.user, risk_point=risk_point, **fields)
        if updated is not None:
            messages.success(request, _("风险点已保存。"))
            return redirect(updated)
        risk_point.refresh_from_db()
    return render(request, "risks/risk_form.html", {"form": form, "risk": risk_point})


@login_required
@require_http_methods(["GET", "POST"])
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    risk_point = get_for_user(RiskPoint.objects.select_related("unit"), request.user, pk, action="review")
    form = RiskReviewForm(request.POST or None, risk_point=risk_point)
    if request.method == "POST" and form.is_valid():
        fields = {**form.service_fields(), **form.grading_fields()}
        review = call_service(form, services.risk_point_review, actor=request.user, risk_point=risk_point, **fields)
        if review is not None:
            messages.success(request, _("复核已记录。"))
            return redirect(risk_point)
        risk_point.refresh_from_db()
    return render(request, "risks/risk_review.html", {"form": form, "risk": risk_point})


@login_required
@require_GET
def distribution(request: HttpRequest) -> HttpResponse:
    """The four-colour distribution of the active unit, or of an in-scope unit below it (``?unit=``)."""
    ensure_allowed(request.user, "risks.riskpoint.view")
    unit = request.membership.unit  # type: ignore[attr-defined]
    chosen = request.GET.get("unit")
    if chosen:
        if not chosen.isdigit():
            raise InvalidInput()
        unit = get_for_user(Unit, request.user, int(chosen))
    points = selectors.risk_point_list(request.user, {"unit": unit})
    counts = selectors.level_counts(points)
    below = [] if unit.is_school else selectors.distribution_below(request.user, unit)
    context = {
        "unit": unit,
        "counts": counts,
        "below": below,
        "chart": selectors.chart_data(counts, below),
        "levels": selectors.level_rows(counts),
    }
    return render(request, "risks/distribution.html", context)
