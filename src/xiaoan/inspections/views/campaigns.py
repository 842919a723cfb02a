"""Special campaigns (专项整治): the list, launching one, its progress per county and per school."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind
from xiaoan.orgs.views import call_service, paginate

from .. import selectors, services
from ..forms import CampaignForm
from ..models import Campaign


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.campaign_list(request.user))
    submitted = selectors.submitted_counts(request.user, list(page.object_list))
    for campaign in page.object_list:
        campaign.submitted = submitted.get(campaign.pk, 0)
    context = {
        "page": page,
        "today": timezone.localdate(),
        "can_create": selectors.may(request.user, "inspections.campaign.create"),
    }
    return render(request, "inspections/campaign_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "inspections.campaign.create")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = call_service(form, services.campaign_create, actor=request.user, **form.cleaned_data)
        if campaign is not None:
            messages.success(request, _("专项整治已发布。"))
            return redirect(campaign)
    return render(request, "inspections/campaign_form.html", {"form": form})


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_for_user(selectors.campaign_list(request.user), request.user, pk)
    unit = request.membership.unit  # type: ignore[attr-defined]
    context: dict = {"campaign": campaign, "today": timezone.localdate()}
    if unit.is_school:
        context["covers"] = campaign.covers(unit)
        context["own"] = selectors.inspection_list(request.user).filter(campaign=campaign, school=unit).first()
        context["can_start"] = context["covers"] and selectors.may(request.user, "inspections.inspection.create")
    elif selectors.may(request.user, "inspections.campaign.progress"):
        county = _county(request, unit, campaign)
        context["county"] = county
        context["drilled"] = county is not None and county.pk not in (unit.pk, campaign.owner_id)
        context["groups"] = selectors.campaign_completion(request.user, campaign, county=county)
        if county is not None:
            context["schools"] = selectors.campaign_school_rows(request.user, campaign, county)
    return render(request, "inspections/campaign_detail.html", context)


def _county(request: HttpRequest, unit: Unit, campaign: Campaign) -> Unit | None:
    """The county to show school by school: the one asked for, else the viewer's or the owner's own county."""
    if request.GET.get("county"):
        return get_for_user(Unit, request.user, request.GET["county"])
    for candidate in (unit, campaign.owner):
        if candidate.kind == UnitKind.COUNTY_BUREAU:
            return candidate
    return None
