"""Reads: the three lists with their filters, the roll-up by the units below, widget figures, a hazard's story."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from xiaoan.core.attachments.models import Attachment
from xiaoan.core.workflow.engine import history
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Unit
from xiaoan.orgs.policy import active_membership

from .models import DONE_STATES, OPEN_STATES, Hazard, HazardPhoto, State, Supervision, SupervisionReport

PAGE_SIZE = 50
LISTS = ("hazards", "responsibility", "rectification")


def overdue_q(today: dt.date) -> Q:
    return Q(state=State.RECTIFYING, deadline__lt=today)


def hazard_list(user: Any, filters: dict[str, Any], *, today: dt.date | None = None, action: str = "view") -> QuerySet:
    """Hazards in the user's scope matching the list filters, newest first."""
    today = today or timezone.localdate()
    qs = Hazard.objects.for_user(user, action)
    under = filters.get("school") or filters.get("county")
    if under is not None:
        qs = qs.within(under.path)
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("grade"):
        qs = qs.filter(grade=filters["grade"])
    state = filters.get("state")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if filters.get("overdue") == "1":
        qs = qs.filter(overdue_q(today))
    elif filters.get("overdue") == "0":
        qs = qs.exclude(overdue_q(today))
    if filters.get("supervised") in ("0", "1"):
        qs = qs.filter(is_supervised=filters["supervised"] == "1")
    if filters.get("reported_from"):
        qs = qs.filter(reported_at__date__gte=filters["reported_from"])
    if filters.get("reported_to"):
        qs = qs.filter(reported_at__date__lte=filters["reported_to"])
    leader = Supervision.objects.filter(hazard=OuterRef("pk")).order_by("-created_at").values("leader__full_name")[:1]
    return (
        qs.select_related("unit", "responsible")
        .annotate(supervising_leader=Subquery(leader))
        .order_by("-reported_at", "-pk")
    )


@dataclass
class Window:
    """One page of a list, found by fetching one row more than shown: no COUNT over a huge table."""

    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def window(queryset: QuerySet, page: Any, size: int = PAGE_SIZE) -> Window:
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Window(object_list=rows[:size], number=number, has_next=len(rows) > size)


def breakdown_root(user: Any, filters: dict[str, Any]) -> Unit | None:
    """The unit whose children the roll-up table lists: the filtered county or school, else the user's unit."""
    unit = filters.get("school") or filters.get("county")
    if unit is None:
        membership = active_membership(user)
        unit = membership.unit if membership else None
    return None if unit is None or unit.is_school else unit


def breakdown(user: Any, filters: dict[str, Any], *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per child unit (county under the city, school under a county): open, major, overdue, supervised — one
    aggregate query grouped by the child's path prefix, and one query for the names."""
    today = today or timezone.localdate()
    root = breakdown_root(user, filters)
    if root is None:
        return []
    child_length = len(root.path) + PATH_SEGMENT_WIDTH + 1
    rows = (
        hazard_list(user, filters, today=today)
        .order_by()
        .annotate(child=Substr("unit_path", 1, child_length))
        .values("child")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            major=Count("pk", filter=Q(state__in=OPEN_STATES, grade="major")),
            overdue=Count("pk", filter=overdue_q(today)),
            supervised=Count("pk", filter=Q(is_supervised=True, state__in=OPEN_STATES)),
        )
        .order_by("child")
    )
    figures = {row["child"]: row for row in rows}
    if not figures:
        return []
    units = (
        Unit.objects.for_user(user, "orgs.unit.view").filter(path__in=list(figures)).only("pk", "name", "path", "kind")
    )
    return [{"unit": unit, **figures[unit.path]} for unit in sorted(units, key=lambda u: u.path)]


def figures(user: Any, *, today: dt.date | None = None) -> dict[str, int]:
    """The home-page figures in one aggregate query over the user's scope."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    accepted_this_month = Q(accepted_at__date__gte=month_start, accepted_at__date__lte=today)
    on_time = accepted_this_month & Q(acceptance_requested_at__date__lte=F("deadline"))
    return Hazard.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=overdue_q(today)),
        supervised=Count("pk", filter=Q(is_supervised=True) & ~Q(state__in=DONE_STATES)),
        accepted_this_month=Count("pk", filter=accepted_this_month),
        on_time_this_month=Count("pk", filter=on_time),
    )


def open_by_grade_and_state(user: Any) -> dict[str, dict[str, int]]:
    """Open hazards counted by state and grade (one grouped query)."""
    table: dict[str, dict[str, int]] = {}
    rows = (
        Hazard.objects.for_user(user)
        .filter(state__in=OPEN_STATES)
        .order_by()
        .values("state", "grade")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        table.setdefault(row["state"], {})[row["grade"] or "ungraded"] = row["n"]
    return table


def acceptance_due(hazard: Hazard) -> dt.date | None:
    """The day by which a requested acceptance should be done (rule ``hazards.acceptance_days`` after the request)."""
    from xiaoan.core.rules.services import get_rule

    if hazard.state != State.ACCEPTANCE_REQUESTED or hazard.acceptance_requested_at is None:
        return None
    requested = timezone.localtime(hazard.acceptance_requested_at).date()
    return requested + dt.timedelta(days=int(get_rule("hazards.acceptance_days", on=requested)))


def hazard_photos(hazard: Hazard) -> dict[str, list[Attachment]]:
    """The hazard's photos by step (before / after), for a hazard already looked up in scope."""
    links = HazardPhoto.objects.filter(hazard=hazard).select_related("attachment").order_by("attachment__created_at")
    photos: dict[str, list[Attachment]] = {"before": [], "after": []}
    for link in links:
        photos.setdefault(link.stage, []).append(link.attachment)
    return photos


def hazard_history(hazard: Hazard) -> list[dict[str, Any]]:
    """The logged steps with their labels (who, when, what, comment)."""
    from .workflow import HAZARD_WORKFLOW

    labels = {name: t.label for name, t in HAZARD_WORKFLOW.by_name.items()}
    return [{"log": log, "label": labels.get(log.transition, log.transition)} for log in history(hazard)]


def supervisions_of(user: Any, hazard: Hazard) -> list[Supervision]:
    return list(
        Supervision.objects.for_user(user)
        .filter(hazard=hazard)
        .select_related("supervising_unit", "leader", "created_by")
        .order_by("-created_at")
    )


def reports_of(user: Any, supervision: Supervision) -> list[SupervisionReport]:
    return list(
        SupervisionReport.objects.for_user(user, "hazards.supervision.view")
        .filter(supervision=supervision)
        .select_related("created_by")
    )


def report_photos(reports: list[SupervisionReport]) -> dict[int, list[Attachment]]:
    from django.contrib.contenttypes.models import ContentType

    if not reports:
        return {}
    content_type = ContentType.objects.get_for_model(SupervisionReport)
    photos: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(content_type=content_type, object_id__in=[r.pk for r in reports]):
        photos.setdefault(attachment.object_id, []).append(attachment)
    return photos


def supervision_list(user: Any, *, status: str = "open") -> QuerySet:
    """The region's supervised hazards, oldest first (the age is what a bureau watches)."""
    qs = Supervision.objects.for_user(user).select_related("hazard__unit", "supervising_unit", "leader")
    if status in (Supervision.Status.OPEN, Supervision.Status.CLOSED):
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")


def campaign_hazards(user: Any, campaign_id: int) -> QuerySet:
    """Hazards found in a special campaign (for the inspections module's campaign pages)."""
    return Hazard.objects.for_user(user).filter(campaign_ref=campaign_id)
