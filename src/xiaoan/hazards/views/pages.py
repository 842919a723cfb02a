"""The three lists at every level, a hazard's page, reporting, and the region's supervised hazards."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.regioncache import region_cached
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.orgs.views import call_service, is_htmx, querystring_without_page

from .. import selectors, services
from ..forms import CommentForm, HazardFilterForm, HazardReportForm
from ..ledgers import LEDGERS, ledger
from ..models import Hazard
from ..workflow import FORM_TRANSITIONS, HAZARD_WORKFLOW


@login_required
@require_GET
def hazard_list(request: HttpRequest) -> HttpResponse:
    form = HazardFilterForm(request.GET or None, user=request.user)
    filters, today = form.filters(), timezone.localdate()
    kind = request.GET.get("list", "hazards")
    title, columns = ledger(kind)
    policy = get_policy()
    membership = request.membership  # type: ignore[attr-defined]
    context = {
        "form": form,
        "list_kind": kind if kind in LEDGERS else "hazards",
        "lists": [(key, value[0]) for key, value in LEDGERS.items()],
        "title": title,
        "columns": columns,
        "page": selectors.window(selectors.hazard_list(request.user, filters, today=today), request.GET.get("page")),
        "today": today,
        "rollup": region_cached(  # the per-county / per-school table: a region aggregate, a minute old at most
            "hazards.breakdown",
            request,
            (querystring_without_page(request), today),
            lambda: selectors.breakdown(request.user, filters, today=today),
        ),
        "querystring": querystring_without_page(request),
        "can_export": policy.allows(request.user, "hazards.hazard.export"),
        "can_report": policy.allows(request.user, "hazards.hazard.report"),
        "can_poster": membership is not None
        and membership.unit.is_school
        and policy.allows(request.user, "hazards.hazard.poster"),
    }
    template = "hazards/_list_body.html" if is_htmx(request) else "hazards/list.html"
    return render(request, template, context)


@login_required
@require_GET
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = get_for_user(Hazard.objects.select_related("unit", "reported_by", "responsible"), request.user, pk)
    available = HAZARD_WORKFLOW.available(hazard, request.user)
    supervisions = selectors.supervisions_of(request.user, hazard)
    open_supervision = next((s for s in supervisions if s.status == "open"), None)
    reports = selectors.reports_of(request.user, open_supervision) if open_supervision else []
    policy = get_policy()
    context = {
        "hazard": hazard,
        "photos": selectors.hazard_photos(hazard),
        "acceptance_due": selectors.acceptance_due(hazard),
        "history": selectors.hazard_history(hazard),
        "form_steps": [t for t in available if t.name in FORM_TRANSITIONS],
        "comment_steps": [t for t in available if t.name not in FORM_TRANSITIONS],
        "comment_form": CommentForm(),
        "supervisions": supervisions,
        "open_supervision": open_supervision,
        "reports": reports,
        "report_photos": selectors.report_photos(reports),
        "can_supervise": not hazard.is_supervised
        and hazard.unit_id != request.membership.unit_id  # type: ignore[attr-defined]
        and policy.allows(request.user, "hazards.supervision.create", path=hazard.unit_path),
        "can_progress": open_supervision is not None
        and hazard.unit_id == request.membership.unit_id  # type: ignore[attr-defined]
        and policy.allows(request.user, "hazards.supervisionreport.create", path=hazard.unit_path),
        "today": timezone.localdate(),
    }
    return render(request, "hazards/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hazard_report(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "hazards.hazard.report")
    form = HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        hazard = call_service(form, services.hazard_report, actor=request.user, **form.cleaned_data)
        if hazard is not None:
            messages.success(request, _("隐患已报告，编号 %(number)s。") % {"number": hazard.number})
            return redirect(hazard)
    return render(request, "hazards/report.html", {"form": form})


@login_required
@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    supervisions = selectors.supervision_list(request.user, status=status)
    page = selectors.window(supervisions, request.GET.get("page"))
    context = {"page": page, "status": status, "today": timezone.localdate(), "querystring": f"status={status}"}
    return render(request, "hazards/supervision_list.html", context)
