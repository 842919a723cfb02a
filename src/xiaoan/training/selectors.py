"""Reads of training: the session list, certificates running out, fire-training coverage, new principals,
and trained people per staff category for the units below a bureau — aggregates, never a loop of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import get_policy
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Membership, Unit
from xiaoan.orgs.roles import Role, UnitKind

from .models import StaffCategory, TrainingRecord, TrainingSession

VIEW = "training.trainingsession.view"
RECORD_VIEW = "training.trainingrecord.view"


def session_list(user: Any, filters: Mapping[str, Any] | None = None, action: str = "view") -> QuerySet:
    filters = filters or {}
    sessions = TrainingSession.objects.for_user(user, action).select_related("unit")
    if filters.get("unit"):
        sessions = sessions.within(filters["unit"].path)
    if filters.get("category"):
        sessions = sessions.filter(category=filters["category"])
    if filters.get("fire"):
        sessions = sessions.filter(is_fire_training=True)
    if filters.get("year"):
        sessions = sessions.filter(date__year=filters["year"])
    text = (filters.get("q") or "").strip()
    if text:
        sessions = sessions.filter(Q(title__icontains=text) | Q(provider__icontains=text))
    return sessions.annotate(attendees=Count("records")).order_by("-date", "-pk")


def session_records(user: Any, session: TrainingSession) -> QuerySet:
    return TrainingRecord.objects.for_user(user, RECORD_VIEW).filter(session=session).order_by("name", "pk")


def _not_renewed(records: QuerySet) -> QuerySet:
    newer = TrainingRecord.objects.filter(
        person_key=OuterRef("person_key"),
        session__category=OuterRef("session__category"),
        certificate_expiry__gt=OuterRef("certificate_expiry"),
    )
    return records.filter(~Exists(newer))


def certificates_due(user: Any, today: dt.date, base: Unit | None = None) -> QuerySet:
    """Certificates expired or expiring within the rule's window, for which no later certificate exists."""
    horizon = today + dt.timedelta(days=get_rule("training.certificate_due_days", on=today))
    records = TrainingRecord.objects.for_user(user, RECORD_VIEW).filter(
        certificate_expiry__isnull=False, certificate_expiry__lte=horizon
    )
    if base is not None:
        records = records.within(base.path)
    return _not_renewed(records).select_related("session", "session__unit").order_by("certificate_expiry", "pk")


@dataclass
class FireCoverage:
    school: Unit
    trained: int
    percent_required: int

    @property
    def percent(self) -> int | None:
        staff = self.school.staff_count
        return min(100, round(self.trained * 100 / staff)) if staff else None

    @property
    def met(self) -> bool | None:
        staff = self.school.staff_count
        return None if not staff else self.trained * 100 >= self.percent_required * staff


def fire_trained_counts(schools: QuerySet, year: int) -> dict[int, int]:
    """Distinct people fire-trained in ``year`` in sessions held by each school: one grouped query.

    ``schools`` is any (scoped or system) queryset of units; also the basis of the compliance obligation.
    """
    rows = (
        TrainingRecord.objects.system("narrowed to the given schools")
        .filter(session__unit__in=schools, session__is_fire_training=True, session__date__year=year)
        .order_by()
        .values("session__unit_id")
        .annotate(n=Count("person_key", distinct=True))
        .values_list("session__unit_id", "n")
    )
    return dict(rows)


def fire_coverage(user: Any, base: Unit, year: int) -> list[FireCoverage]:
    if not get_policy().allows(user, RECORD_VIEW):
        return []
    schools = Unit.objects.for_user(user).within(base.path).filter(kind=UnitKind.SCHOOL, is_active=True)
    counts = fire_trained_counts(schools, year)
    required = get_rule("training.fire_coverage_percent", on=dt.date(year, 12, 31))
    return [FireCoverage(school, counts.get(school.pk, 0), required) for school in schools.order_by("path")]


@dataclass
class NewPrincipal:
    membership: Membership
    deadline: dt.date
    trained_on: dt.date | None
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.trained_on is None and self.deadline < self.today


def new_principals(user: Any, base: Unit, today: dt.date) -> list[NewPrincipal]:
    """Principals appointed within the rule's window, with the date of their new-principal training if any;
    those who missed it stay listed (as overdue) for one more window."""
    days = get_rule("training.new_principal_days", on=today)
    since = today - dt.timedelta(days=2 * days)
    trained = (
        TrainingRecord.objects.system("records of the principal looked up in scope")
        .filter(user=OuterRef("user_id"), session__category=StaffCategory.NEW_PRINCIPAL)
        .order_by()
        .values("user_id")
        .annotate(first=Min("session__date"))
        .values("first")
    )
    posts = (
        Membership.objects.for_user(user, "orgs.membership.view")
        .within(base.path)
        .filter(role=Role.LEADER, is_active=True, unit__kind=UnitKind.SCHOOL, created_at__date__gte=since)
        .select_related("user", "unit")
        .annotate(trained_on=Subquery(trained))
        .order_by("created_at")
    )
    return [
        NewPrincipal(post, post.created_at.date() + dt.timedelta(days=days), post.trained_on, today)  # type: ignore[attr-defined]
        for post in posts
    ]


@dataclass
class CategoryRow:
    unit: Unit
    cells: list[int] = field(default_factory=list)
    fire_met: int = 0
    fire_judged: int = 0


def category_matrix(user: Any, base: Unit, year: int) -> list[CategoryRow]:
    """Distinct people trained in ``year`` per staff category, for each unit directly below ``base`` (or
    ``base`` itself when it is a school), with how many of its schools meet the fire-training rule."""
    rows_units = (
        [base]
        if base.is_school
        else list(Unit.objects.for_user(user).filter(parent=base, is_active=True).order_by("kind", "path"))
    )
    width = len(base.path) if base.is_school else len(base.path) + PATH_SEGMENT_WIDTH + 1
    counts = (
        TrainingRecord.objects.for_user(user, RECORD_VIEW)
        .within(base.path)
        .filter(session__date__year=year)
        .annotate(branch=Substr("session__unit__path", 1, width))
        .order_by()
        .values("branch", "session__category")
        .annotate(n=Count("person_key", distinct=True))
        .values_list("branch", "session__category", "n")
    )
    by_cell = {(branch, category): n for branch, category, n in counts}
    fire: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in fire_coverage(user, base, year):
        if item.met is not None:
            branch = item.school.path[:width]
            fire[branch][1] += 1
            fire[branch][0] += int(item.met)
    result = []
    for unit in rows_units:
        cells = [by_cell.get((unit.path, value), 0) for value in StaffCategory.values]
        met, judged = fire[unit.path]
        result.append(CategoryRow(unit, cells, met, judged))
    return result
