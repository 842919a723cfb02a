"""Pages of training: sessions (list, page with attendees, record, edit, bulk attendee entry), certificates
running out, coverage by staff category, and the ledger export (培训台帐)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.orgs.models import Unit
from xiaoan.orgs.views import call_service, is_htmx, paginate, querystring_without_page

from . import selectors, services
from .forms import AttendeesForm, SessionFilterForm, SessionForm
from .models import StaffCategory, TrainingRecord, TrainingSession

EXPORT_CHUNK = 2000


def _can_change(request: HttpRequest, session: TrainingSession) -> bool:
    return get_policy().allows(request.user, "training.trainingsession.change", path=session.scope_path)


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, selectors.VIEW)
    form = SessionFilterForm(request.GET or None, user=request.user)
    policy = get_policy()
    context = {
        "form": form,
        "page": paginate(request, selectors.session_list(request.user, form.filters())),
        "querystring": querystring_without_page(request),
        "can_create": policy.allows(request.user, "training.trainingsession.create"),
        "can_export": policy.allows(request.user, "training.trainingsession.export"),
    }
    template = "training/_session_table.html" if is_htmx(request) else "training/session_list.html"
    return render(request, template, context)


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_for_user(TrainingSession.objects.select_related("unit"), request.user, pk)
    can_change = _can_change(request, session)
    context = {
        "session": session,
        "records": selectors.session_records(request.user, session),
        "can_change": can_change,
        "form": AttendeesForm(staff=services.staff_of(session.unit)) if can_change else None,
        "can_import": get_policy().allows(request.user, "training.trainingrecord.import", path=session.scope_path),
    }
    return render(request, "training/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "training.trainingsession.create")
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = call_service(
            cast(Any, form),
            services.session_create,
            actor=request.user,
            unit=form.cleaned_data["unit"],
            **form.service_fields(),
        )
        if session is not None:
            messages.success(request, _("培训场次已登记，请添加参训人员。"))
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_for_user(TrainingSession, request.user, pk, action="change")
    form = SessionForm(request.POST or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if (
            call_service(cast(Any, form), services.session_update, actor=request.user, session=session, **fields)
            is not None
        ):
            messages.success(request, _("已保存。"))
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@login_required
@require_POST
def attendees_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_for_user(TrainingSession.objects.select_related("unit"), request.user, pk, action="change")
    form = AttendeesForm(request.POST, staff=services.staff_of(session.unit))
    if form.is_valid():
        people = [services.Attendee(**person) for person in form.cleaned_data["others"]]
        result = call_service(
            cast(Any, form), services.attendees_add, actor=request.user, session=session,
            users=form.cleaned_data["users"], people=people,
        )  # fmt: skip
        if result is not None:
            messages.success(
                request,
                _("已添加 %(added)d 人，更新 %(updated)d 人。") % dict(zip(("added", "updated"), result, strict=True)),
            )
            return redirect(session)
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(session)


@login_required
@require_POST
def record_remove(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_for_user(TrainingRecord.objects.select_related("session"), request.user, pk,
                          action="training.trainingsession.change")  # fmt: skip
    services.record_remove(actor=request.user, record=record)
    messages.success(request, _("已移除。"))
    return redirect(record.session)


@login_required
@require_GET
def certificates(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, selectors.RECORD_VIEW)
    today = timezone.localdate()
    records = selectors.certificates_due(request.user, today)
    context = {
        "page": paginate(request, records),
        "today": today,
        "due_days": get_rule("training.certificate_due_days", on=today),
    }
    return render(request, "training/certificates.html", context)


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, selectors.RECORD_VIEW)
    unit_id = request.GET.get("unit")
    base = get_for_user(Unit, request.user, unit_id) if unit_id else request.membership.unit  # type: ignore[attr-defined]
    today = timezone.localdate()
    try:
        year = max(2000, min(today.year, int(request.GET.get("year", today.year))))
    except ValueError:
        year = today.year
    context = {
        "base": base,
        "year": year,
        "categories": StaffCategory.choices,
        "rows": selectors.category_matrix(request.user, base, year),
        "fire": selectors.fire_coverage(request.user, base, year) if base.is_school else None,
        "principals": selectors.new_principals(request.user, base, today),
        "own_unit": request.membership.unit,  # type: ignore[attr-defined]
        "fire_percent": get_rule("training.fire_coverage_percent", on=today),
    }
    return render(request, "training/coverage.html", context)


def _ledger_rows(records: Any) -> Iterator[list[Any]]:
    categories = dict(StaffCategory.choices)
    for record in records.iterator(chunk_size=EXPORT_CHUNK):
        session = record.session
        yield [
            session.unit.name, session.date, session.title, categories.get(session.category, session.category),
            session.hours, session.provider, _("是") if session.is_fire_training else _("否"), record.name,
            record.masked_id, record.certificate_no, record.certificate_expiry,
        ]  # fmt: skip


@login_required
@require_GET
@use_replica()
def session_export(request: HttpRequest) -> FileResponse:
    """培训台帐: one row per attendee of the filtered sessions (identity numbers masked)."""
    from xiaoan.core.tabular.export import xlsx_response

    ensure_allowed(request.user, "training.trainingsession.export")
    form = SessionFilterForm(request.GET or None, user=request.user)
    sessions = selectors.session_list(request.user, form.filters(), action="export")
    records = (
        TrainingRecord.objects.for_user(request.user, selectors.RECORD_VIEW)
        .filter(session__in=sessions.values("pk"))
        .select_related("session", "session__unit")
        .order_by("-session__date", "session_id", "name")
    )
    headers = [
        _("单位"), _("培训日期"), _("课程名称"), _("培训对象类别"), _("学时"), _("培训机构"), _("消防安全培训"),
        _("姓名"), _("证件号/工号"), _("证书编号"), _("证书有效期至"),
    ]  # fmt: skip
    title = _("培训台帐")
    filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(_ledger_rows(records), headers=headers, filename=filename, sheet_title=title)
