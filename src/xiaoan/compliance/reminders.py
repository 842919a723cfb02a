"""Before a period closes: the safety officers of schools that have not met an obligation hear about it once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.notifications.services import notify
from xiaoan.orgs.models import Membership
from xiaoan.orgs.roles import Role

from .models import ComplianceStatus, Status
from .obligations import OBLIGATIONS
from .periods import Period, period_label

REASON = "compliance reminders: the officers of schools judged due soon"
EVENT = "compliance.due_soon"


@transaction.atomic
def send_due_soon_reminders(*, today: dt.date | None = None) -> int:
    """One inbox message per (obligation, period) to all officers concerned; each row is reminded once."""
    today = today or timezone.localdate()
    pending = list(
        ComplianceStatus.objects.system(REASON)
        .select_for_update()
        .filter(status=Status.DUE_SOON, reminded_at__isnull=True, period_end__gte=today)
        .values_list("pk", "unit_id", "obligation", "period_key", "period_start", "period_end")
    )
    if not pending:
        return 0
    officers = defaultdict(list)
    memberships = Membership.objects.system(REASON).filter(
        unit_id__in={row[1] for row in pending}, role=Role.SAFETY_OFFICER, is_active=True, user__is_active=True
    )
    for membership in memberships.select_related("user"):
        officers[membership.unit_id].append(membership.user)
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for pk, unit_id, obligation, period_key, _start, _end in pending:
        groups[(obligation, period_key)].append((pk, unit_id))
    ends = {(row[2], row[3]): row for row in pending}
    for (obligation_id, period_key), members in groups.items():
        obligation = OBLIGATIONS.get(obligation_id)
        if obligation is None:
            continue
        *_ignored, start, end = ends[(obligation_id, period_key)]
        period = Period(obligation.period, period_key, start, end)
        recipients = [user for _pk, unit_id in members for user in officers.get(unit_id, [])]
        context = {
            "obligation": str(obligation.name),
            "period": period_label(period),
            "end": end.isoformat(),
            "url": reverse("compliance:my_calendar"),
        }
        notify(recipients, EVENT, context)
    ComplianceStatus.objects.system(REASON).filter(pk__in=[row[0] for row in pending]).update(
        reminded_at=timezone.now()
    )
    return len(pending)
