"""Unit pages: the list of the user's subtree (HTMX-filtered), a unit's page, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy

from .. import selectors, services
from ..forms import UnitFilterForm, UnitForm
from ..models import Membership, Unit
from . import call_service, is_htmx, paginate, querystring_without_page

CHILDREN_SHOWN = 50


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET or None, user=request.user)
    page = paginate(request, selectors.unit_list(request.user, form.filters()))
    policy = get_policy()
    context = {
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        "can_create": policy.allows(request.user, "orgs.unit.create"),
        "can_import": policy.allows(request.user, "orgs.unit.import"),
        "can_export": policy.allows(request.user, "orgs.unit.export"),
    }
    template = "orgs/_unit_table.html" if is_htmx(request) else "orgs/unit_list.html"
    return render(request, template, context)


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user(Unit, request.user, pk)
    policy = get_policy()
    children = selectors.unit_list(request.user).filter(parent=unit)
    people = None
    if policy.allows(request.user, "orgs.membership.view", path=unit.path):
        people = (
            Membership.objects.for_user(request.user, "orgs.membership.view")
            .filter(unit=unit, is_active=True)
            .select_related("user")
            .order_by("role", "user__full_name")
        )
    context = {
        "unit": unit,
        "children": children[:CHILDREN_SHOWN],
        "totals": None if unit.is_school else selectors.units_below(request.user, unit),
        "people": people,
        "can_change": policy.allows(request.user, "orgs.unit.change", path=unit.path),
        "can_create": not unit.is_school and policy.allows(request.user, "orgs.unit.create", path=unit.path),
    }
    return render(request, "orgs/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "orgs.unit.create")
    form = UnitForm(request.POST or None, user=request.user, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        unit = call_service(form, services.unit_create, actor=request.user, parent=parent, **form.service_fields())
        if unit is not None:
            messages.success(request, _("单位已创建。"))
            return redirect(unit)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": None})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_for_user(Unit, request.user, pk, action="change")
    form = UnitForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        parent = form.cleaned_data.get("parent")
        updated = call_service(form, services.unit_update, actor=request.user, unit=unit, parent=parent, **fields)
        if updated is not None:
            messages.success(request, _("单位信息已保存。"))
            return redirect(updated)
        unit.refresh_from_db()  # the failed write may have left attributes on the instance
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})
