"""Home-page widgets: a school user's inspections due now; a bureau's running campaigns and their completion."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget
from xiaoan.orgs.roles import UnitKind

from . import selectors

BUREAUS = frozenset({UnitKind.CITY_BUREAU, UnitKind.COUNTY_BUREAU})
SHOWN = 5
CAMPAIGNS_SHOWN = 3


def render_due(request: Any) -> str | None:
    due = selectors.due_now(request.user)
    if not due:
        return None
    context = {"due": due[:SHOWN], "more": max(len(due) - SHOWN, 0)}
    return render_to_string("inspections/widgets/due.html", context, request=request)


def render_campaigns(request: Any) -> str | None:
    campaigns = list(selectors.running_campaigns(request.user)[:CAMPAIGNS_SHOWN])
    if not campaigns:
        return None
    summary = selectors.campaign_summary(request.user, campaigns)
    rows = []
    for campaign in campaigns:
        counts = summary[campaign.pk]
        rate = round(100 * counts["submitted"] / counts["total"]) if counts["total"] else 0
        rows.append({"campaign": campaign, "rate": rate, **counts})
    return render_to_string("inspections/widgets/campaigns.html", {"rows": rows}, request=request)


WIDGETS = [
    Widget(
        key="inspections.due",
        render=render_due,
        permission="inspections.inspection.view",
        order=30,
        kinds=frozenset({UnitKind.SCHOOL}),
    ),
    Widget(
        key="inspections.campaigns",
        render=render_campaigns,
        permission="inspections.campaign.progress",
        order=31,
        kinds=BUREAUS,
        shared=True,
    ),
]
