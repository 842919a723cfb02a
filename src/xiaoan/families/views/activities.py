"""Home–school activities (家长会、家访、家长开放日): the list with counts per school, and recording one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.scoping import ensure_allowed, get_policy
from xiaoan.orgs.views import call_service, paginate

from .. import selectors, services
from ..forms import ActivityForm


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "families.activity.view")
    context = {
        "page": paginate(request, selectors.activities(request.user)),
        "counts": selectors.activity_counts(request.user),
        "at_school": request.membership.unit.is_school if request.membership else False,  # type: ignore[attr-defined]
        "can_create": get_policy().allows(request.user, "families.activity.create"),
    }
    return render(request, "families/activity_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "families.activity.create")
    form = ActivityForm(request.POST or None, user=request.user)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-select" if field.widget.input_type == "select" else "form-control")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.activity_record, actor=request.user, **form.cleaned_data) is not None:
            messages.success(request, _("家校活动已登记。"))
            return redirect("families:activity_list")
    return render(request, "families/activity_form.html", {"form": form})
