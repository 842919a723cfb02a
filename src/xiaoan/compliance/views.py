"""Compliance pages: a school's calendar, the region matrix (with export), obligation definitions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.models import Unit

from . import selectors
from .forms import MatrixFilterForm
from .models import Status
from .obligations import OBLIGATIONS, all_obligations

PAGE_SIZE = 50
PERMISSION = "compliance.compliancestatus.view"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A school goes to its calendar, a bureau to its matrix."""
    ensure_allowed(request.user, PERMISSION)
    membership = request.membership  # type: ignore[attr-defined]
    if membership.unit.is_school:
        return redirect("compliance:calendar", membership.unit.pk)
    return redirect("compliance:matrix")


@login_required
@require_GET
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    ensure_allowed(request.user, PERMISSION)
    school = get_for_user(Unit, request.user, pk)
    if not school.is_school:
        raise Http404
    entries = selectors.school_calendar(request.user, school, timezone.localdate())
    return render(request, "compliance/calendar.html", {"school": school, "entries": entries})


def _matrix_context(request: HttpRequest) -> tuple[MatrixFilterForm, dict[str, Any], Any]:
    ensure_allowed(request.user, PERMISSION)
    form = MatrixFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    periods = selectors.judged_periods(timezone.localdate(), filters["period"])
    return form, periods, selectors.schools_in_view(request.user, filters, periods)


@login_required
@require_GET
@use_replica()
def matrix(request: HttpRequest) -> HttpResponse:
    form, periods, schools = _matrix_context(request)
    page = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.matrix_rows(request.user, list(page.object_list), periods),
        "columns": [(obligation, periods[obligation.id]) for obligation in all_obligations()],
        "querystring": params.urlencode(),
        "statuses": Status.choices,
    }
    return render(request, "compliance/matrix.html", context)


def _export_rows(request: HttpRequest, schools: Any, periods: dict[str, Any]) -> Iterator[list[Any]]:
    labels = dict(Status.choices)
    batch: list[Unit] = []
    for school in schools.iterator(chunk_size=500):
        batch.append(school)
        if len(batch) == 500:
            yield from _export_batch(request, batch, periods, labels)
            batch = []
    yield from _export_batch(request, batch, periods, labels)


def _export_batch(request: HttpRequest, batch: list[Unit], periods: Any, labels: dict) -> Iterator[list[Any]]:
    for row in selectors.matrix_rows(request.user, batch, periods):
        school = row["school"]
        cells = [str(labels.get(cell.status, "")) if cell else "—" for cell in row["cells"]]
        yield [school.name, school.code, school.parent.name if school.parent else "", *cells]


@login_required
@require_GET
@use_replica()
def matrix_export(request: HttpRequest) -> Any:
    from xiaoan.core.tabular.export import xlsx_response

    ensure_allowed(request.user, "compliance.compliancestatus.export")
    _form, periods, schools = _matrix_context(request)
    obligations = all_obligations()
    headers = [_("学校"), _("学校标识码"), _("上级单位")]
    headers += [f"{obligation.name}（{periods[obligation.id].label}）" for obligation in obligations]
    filename = f"{_('合规矩阵')}-{timezone.localtime():%Y%m%d}.xlsx"
    rows = _export_rows(request, schools, periods)
    return xlsx_response(rows, headers=headers, filename=filename, sheet_title=_("合规矩阵"))


@login_required
@require_GET
def obligation_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, PERMISSION)
    return render(request, "compliance/obligation_list.html", {"obligations": all_obligations()})


@login_required
@require_GET
def obligation_detail(request: HttpRequest, obligation_id: str) -> HttpResponse:
    ensure_allowed(request.user, PERMISSION)
    obligation = OBLIGATIONS.get(obligation_id)
    if obligation is None:
        raise Http404
    today = timezone.localdate()
    context = {
        "obligation": obligation,
        "settings": selectors.obligation_settings(obligation, today),
        "period": selectors.judged_periods(today)[obligation.id],
    }
    return render(request, "compliance/obligation_detail.html", context)
