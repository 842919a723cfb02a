"""The periodic deadline scan: reminders before a rectification deadline, the overdue flag after it, and
escalation of newly overdue hazards to the unit above (the county bureau, or the city for 局属学校).

Set-based: a few indexed queries over the hazards that are due, never a loop over all hazards; every reminder
sent is recorded, so a second run on the same day sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xiaoan.core.notifications.services import notify
from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Unit, User

from .models import Hazard, Reminder, State
from .notices import handlers_of

NUMBERS_SHOWN = 10


def reminder_windows(days: list[int]) -> list[tuple[int, int, int]]:
    """(days_before, fewest days left, most days left) per reminder: [3, 1] → (3, 2, 3), (1, 0, 1)."""
    ordered = sorted({d for d in days if d >= 0}, reverse=True)
    windows = []
    for index, days_before in enumerate(ordered):
        lower = ordered[index + 1] + 1 if index + 1 < len(ordered) else 0
        windows.append((days_before, lower, days_before))
    return windows


def _numbers(numbers: list[str]) -> str:
    """The first hazard numbers as a list in the delivered language (the one ``notify`` renders in)."""
    with translation.override(settings.LANGUAGE_CODE):
        shown = pgettext("list separator", "、").join(n for n in numbers[:NUMBERS_SHOWN] if n)
        if len(numbers) > NUMBERS_SHOWN:
            return _("%(items)s等") % {"items": shown}
        return shown


def send_reminders(today: dt.date) -> int:
    days = [int(d) for d in get_rule("hazards.reminder_days", on=today)]
    hazards = Hazard.objects.system("the deadline scan").filter(state=State.RECTIFYING, responsible__isnull=False)
    sent = 0
    for days_before, fewest, most in reminder_windows(days):
        already = Reminder.objects.filter(hazard=OuterRef("pk"), deadline=OuterRef("deadline"), days_before=days_before)
        due = list(
            hazards.filter(
                deadline__gte=today + dt.timedelta(days=fewest), deadline__lte=today + dt.timedelta(days=most)
            )
            .exclude(Exists(already))
            .values_list("pk", "deadline", "responsible_id", "number")
        )
        if not due:
            continue
        Reminder.objects.bulk_create(
            [Reminder(hazard_id=pk, deadline=deadline, days_before=days_before) for pk, deadline, _r, _n in due],
            ignore_conflicts=True,
        )
        by_person: dict[int, list[str]] = defaultdict(list)
        for _pk, _deadline, responsible_id, number in due:
            by_person[responsible_id].append(number)
        people = User.objects.in_bulk(list(by_person))
        for person_id, numbers in by_person.items():
            context = {"count": len(numbers), "days": days_before, "numbers": _numbers(numbers), "url": "/hazards/"}
            notify([people[person_id]], "hazards.deadline_near", context)
        sent += len(due)
    return sent


def flag_overdue(today: dt.date, now: dt.datetime) -> int:
    """Mark hazards past their deadline and tell the unit above each one (one message per unit)."""
    hazards = Hazard.objects.system("the deadline scan")
    newly = list(
        hazards.filter(state=State.RECTIFYING, deadline__lt=today, overdue_since__isnull=True).values_list(
            "pk", "unit_path", "number"
        )
    )
    if not newly:
        return 0
    hazards.filter(pk__in=[pk for pk, _path, _number in newly], overdue_since__isnull=True).update(overdue_since=now)
    by_parent: dict[str, list[str]] = defaultdict(list)
    for _pk, path, number in newly:
        by_parent[path[: -(PATH_SEGMENT_WIDTH + 1)]].append(number)
    parents = (
        Unit.objects.system("the units above overdue hazards")
        .filter(path__in=list(by_parent))
        .only("pk", "path", "name")
    )
    for parent in parents:
        numbers = by_parent[parent.path]
        context = {"unit": parent, "count": len(numbers), "numbers": _numbers(numbers), "url": "/hazards/?overdue=1"}
        notify(handlers_of([parent.pk]), "hazards.overdue", context)
    return len(newly)


def scan_deadlines(*, today: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        reminded = send_reminders(today)
    with transaction.atomic():
        overdue = flag_overdue(today, now)
    return {"reminded": reminded, "overdue": overdue}
