"""Reads: visible templates, plans with their due / done / missed periods, campaign completion, links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from xiaoan.core.scoping import get_policy
from xiaoan.orgs.models import Unit
from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import MANAGERS, UnitKind

from .models import (
    Answer,
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionState,
    Item,
    Section,
    TemplateVersion,
)
from .periods import Period, recent_periods


def may(user: Any, permission: str, obj: Any = None) -> bool:
    """Whether the user's role grants ``permission`` (at ``obj``'s place in the tree): for buttons."""
    return get_policy().allows(user, permission, path=getattr(obj, "scope_path", None) if obj is not None else None)


def template_list(user: Any, *, action: str = "view") -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.for_user(user, action).select_related("owner")


def version_sections(version: TemplateVersion) -> list[Section]:
    """The sections of a version with their items (two queries)."""
    items = Prefetch("items", queryset=Item.objects.order_by("order", "pk"))
    return list(version.sections.order_by("order", "pk").prefetch_related(items))


def template_versions(template: ChecklistTemplate) -> QuerySet[TemplateVersion]:
    return template.versions.annotate(
        item_count=Count("sections__items", distinct=True),
        used=Count("inspections", distinct=True),
    ).order_by("-number")


# --- due / done / missed ---------------------------------------------------------------------------

DONE, DUE, MISSED = "done", "due", "missed"


@dataclass
class Occurrence:
    period: Period
    status: str  # done / due / missed
    inspection_id: int | None = None


@dataclass
class PlanStatus:
    plan: InspectionPlan
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def current(self) -> Occurrence:
        return self.occurrences[0]


def plan_statuses(plans: list[InspectionPlan], *, today: dt.date, periods: int = 1) -> list[PlanStatus]:
    """For each plan its current period and up to ``periods - 1`` before it: done (submitted), due (the
    current one, not yet submitted) or missed (a past one without a submitted inspection).

    One query for all plans: the submitted inspections of those plans in those periods.
    """
    wanted = {plan.pk: recent_periods(plan.frequency, today, periods, since=plan.starts_on) for plan in plans}
    keys = {period.key for periods_of_plan in wanted.values() for period in periods_of_plan}
    done: dict[tuple[int, str], int] = {}
    if plans:
        rows = (
            Inspection.objects.system("submitted inspections of plans the caller has already looked up in scope")
            .filter(plan__in=[plan.pk for plan in plans], period_key__in=keys, state=InspectionState.SUBMITTED)
            .values_list("plan_id", "period_key", "pk")
        )
        for plan_id, key, pk in rows:
            done[(plan_id, key)] = pk
    result = []
    for plan in plans:
        status = PlanStatus(plan)
        for index, period in enumerate(wanted[plan.pk]):
            inspection_id = done.get((plan.pk, period.key))
            state = DONE if inspection_id else (DUE if index == 0 else MISSED)
            status.occurrences.append(Occurrence(period, state, inspection_id))
        result.append(status)
    return result


def plan_list(user: Any) -> QuerySet[InspectionPlan]:
    return (
        InspectionPlan.objects.for_user(user)
        .select_related("school", "template", "assignee")
        .order_by("school__path", "frequency", "pk")
    )


def my_plans(user: Any, *, everyone: bool = False) -> QuerySet[InspectionPlan]:
    """Active plans assigned to the user or to the user's post (managers may ask for all in scope)."""
    plans = plan_list(user).filter(is_active=True, template__is_active=True)
    membership = active_membership(user)
    if membership is None:
        return plans.none()
    if everyone and membership.role in MANAGERS:
        return plans
    return plans.filter(Q(assignee=user) | Q(assignee__isnull=True, assignee_role=membership.role))


def due_now(user: Any, *, today: dt.date | None = None) -> list[PlanStatus]:
    """The user's plans whose current period is not yet done (for the home widget)."""
    today = today or timezone.localdate()
    statuses = plan_statuses(list(my_plans(user)[:200]), today=today)
    return [status for status in statuses if status.current.status == DUE]


def inspection_list(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.for_user(user).select_related(
        "school", "version__template", "inspector", "campaign", "plan"
    )


def answers_of(inspection: Inspection) -> list[Answer]:
    return list(inspection.answers.select_related("item__section").order_by("item__section__order", "item__order"))


def inspection_for_hazard(user: Any, hazard_id: int) -> Inspection | None:
    """The inspection a hazard was generated from (the link back from the hazard's page)."""
    return inspection_list(user).filter(answers__hazard_id=hazard_id).first()


# --- campaigns -------------------------------------------------------------------------------------


def campaign_list(user: Any) -> QuerySet[Campaign]:
    return Campaign.objects.for_user(user).select_related("owner", "template")


def covered_schools(user: Any, campaign: Campaign) -> QuerySet[Unit]:
    """The schools a campaign covers, within the user's scope."""
    schools = Unit.objects.for_user(user).filter(
        kind=UnitKind.SCHOOL, is_active=True, path__startswith=campaign.owner.path
    )
    if campaign.stages:
        schools = schools.filter(stage__in=campaign.stages)
    return schools


@dataclass
class Completion:
    unit_id: int
    name: str
    total: int = 0
    on_time: int = 0
    late: int = 0
    findings: int = 0

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.total - self.submitted

    @property
    def rate(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0


def _deadline(campaign: Campaign) -> dt.datetime:
    end = dt.datetime.combine(campaign.ends_on + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(end)


def campaign_completion(user: Any, campaign: Campaign, *, county: Unit | None = None) -> list[Completion]:
    """Covered schools, submitted on time / late and findings, grouped by the schools' parent unit (counties;
    the owner itself for schools right under it), optionally only within ``county``. Two aggregate queries."""
    schools = covered_schools(user, campaign)
    if county is not None:
        schools = schools.filter(path__startswith=county.path)
    groups: dict[int, Completion] = {}
    for row in schools.order_by().values("parent_id").annotate(total=Count("pk")):
        groups[row["parent_id"]] = Completion(row["parent_id"], "", total=row["total"])
    submitted = Inspection.objects.for_user(user).filter(
        campaign=campaign, state=InspectionState.SUBMITTED, school__in=schools
    )
    key = "school__parent_id"
    deadline = _deadline(campaign)
    for row in (
        submitted.order_by()
        .values(key)
        .annotate(
            late=Count("pk", filter=Q(submitted_at__gte=deadline)),
            on_time=Count("pk", filter=Q(submitted_at__lt=deadline)),
            findings=Sum("failed_count"),
        )
    ):
        entry = groups.get(row[key])
        if entry is not None:
            entry.on_time, entry.late, entry.findings = row["on_time"], row["late"], row["findings"] or 0
    names = dict(Unit.objects.for_user(user).filter(pk__in=groups).values_list("pk", "name"))
    names.update(_own_name(campaign, groups))
    for entry in groups.values():
        entry.name = names.get(entry.unit_id, "")
    return sorted(groups.values(), key=lambda entry: entry.name)


def _own_name(campaign: Campaign, groups: dict[int, Completion]) -> dict[int, str]:
    """Schools hanging right under the owner (局属学校) are grouped under the owner itself."""
    return {campaign.owner_id: campaign.owner.name} if campaign.owner_id in groups else {}


def campaign_school_rows(user: Any, campaign: Campaign, county: Unit) -> list[dict[str, Any]]:
    """The covered schools of one county with their self-inspection (if any): status and findings."""
    schools = list(covered_schools(user, campaign).filter(path__startswith=county.path).order_by("name"))
    inspections = {
        row.school_id: row
        for row in Inspection.objects.for_user(user).filter(campaign=campaign, school__in=[s.pk for s in schools])
    }
    deadline = _deadline(campaign)
    today = timezone.localdate()
    rows = []
    for school in schools:
        inspection = inspections.get(school.pk)
        if inspection is not None and inspection.state == InspectionState.SUBMITTED:
            assert inspection.submitted_at is not None
            status = "late" if inspection.submitted_at >= deadline else "on_time"
        elif today > campaign.ends_on:
            status = "overdue"
        else:
            status = "open"
        rows.append({"school": school, "inspection": inspection, "status": status})
    return rows


def submitted_counts(user: Any, campaigns: list[Campaign]) -> dict[int, int]:
    """Submitted self-inspections in the user's scope per campaign (one query)."""
    if not campaigns:
        return {}
    return dict(
        Inspection.objects.for_user(user)
        .filter(campaign__in=campaigns, state=InspectionState.SUBMITTED)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )


def campaign_summary(user: Any, campaigns: list[Campaign]) -> dict[int, dict[str, int]]:
    """Per campaign: covered schools in scope and submitted self-inspections (a few campaigns: the widget)."""
    if not campaigns:
        return {}
    submitted = submitted_counts(user, campaigns)
    summary = {}
    for campaign in campaigns:
        total = covered_schools(user, campaign).count()
        summary[campaign.pk] = {"total": total, "submitted": submitted.get(campaign.pk, 0)}
    return summary


def running_campaigns(user: Any, *, today: dt.date | None = None) -> QuerySet[Campaign]:
    today = today or timezone.localdate()
    return campaign_list(user).filter(starts_on__lte=today, ends_on__gte=today)
