"""Plan review reminders: the school's safety officers hear once about each plan that outlived its review cycle."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from xiaoan.core.notifications.services import notify
from xiaoan.orgs.models import Membership
from xiaoan.orgs.roles import Role

from .models import EmergencyPlan
from .obligations import review_limit

REASON = "plan review reminders: plans of every school past their review cycle"
EVENT = "drills.plan_review_due"


@transaction.atomic
def remind_plan_reviews(*, today: dt.date | None = None) -> int:
    """One inbox message per plan due for review, to the safety officers of its school; each plan is reminded
    once per version (a new version clears ``review_reminded_on``). Returns the plans reminded."""
    today = today or timezone.localdate()
    due = list(
        EmergencyPlan.objects.system(REASON)
        .select_for_update(of=("self",))
        .filter(review_reminded_on__isnull=True, current_version__revised_on__lt=review_limit(today))
        .filter(unit__is_active=True)
        .select_related("unit", "current_version")
        .order_by("pk")
    )
    if not due:
        return 0
    officers = defaultdict(list)
    memberships = Membership.objects.system(REASON).filter(
        unit_id__in={plan.unit_id for plan in due}, role=Role.SAFETY_OFFICER, is_active=True, user__is_active=True
    )
    for membership in memberships.select_related("user"):
        officers[membership.unit_id].append(membership.user)
    for plan in due:
        version = plan.current_version
        context = {
            "plan": plan.title,
            "school": plan.unit.name,
            "revised_on": version.revised_on.isoformat() if version else "",
            "url": plan.get_absolute_url(),
        }
        notify(officers.get(plan.unit_id, []), EVENT, context)
    EmergencyPlan.objects.system(REASON).filter(pk__in=[plan.pk for plan in due]).update(review_reminded_on=today)
    return len(due)
