"""Reads of stored statuses: a school's calendar, the region matrix, the home-page counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from xiaoan.core.rules.registry import get_spec
from xiaoan.core.rules.services import get_rule, rule_history
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind

from .models import ComplianceStatus, Status
from .obligations import Obligation, all_obligations
from .periods import Period
from .services import periods_to_refresh

CURRENT, PREVIOUS = "current", "previous"


@dataclass(frozen=True)
class Cell:
    obligation: Obligation
    period: Period
    row: ComplianceStatus | None

    @property
    def evidence_links(self) -> list[tuple[int, str]]:
        if self.row is None or not self.obligation.evidence_url:
            return []
        links = []
        for pk in self.row.evidence:
            try:
                links.append((pk, reverse(self.obligation.evidence_url, args=[pk])))
            except NoReverseMatch:
                return []
        return links


def judged_periods(today: dt.date, which: str = CURRENT) -> dict[str, Period]:
    """Each obligation's current (or previous) period on ``today``."""
    chosen = {}
    for obligation in all_obligations():
        periods = periods_to_refresh(obligation, today)
        chosen[obligation.id] = periods[-1] if which == CURRENT or len(periods) == 1 else periods[0]
    return chosen


def _pairs(periods: dict[str, Period]) -> Q:
    condition = Q(pk__in=[])
    for obligation_id, period in periods.items():
        condition |= Q(obligation=obligation_id, period_key=period.key)
    return condition


def statuses(user: Any, periods: dict[str, Period]) -> QuerySet[ComplianceStatus]:
    return ComplianceStatus.objects.for_user(user).filter(_pairs(periods))


def school_calendar(user: Any, unit: Unit, today: dt.date) -> list[dict[str, Any]]:
    """For each obligation judging the school: the previous and the current period, with their rows."""
    current, previous = judged_periods(today, CURRENT), judged_periods(today, PREVIOUS)
    rows = {
        (row.obligation, row.period_key): row
        for row in ComplianceStatus.objects.for_user(user).filter(unit=unit).filter(_pairs(current) | _pairs(previous))
    }
    entries = []
    for obligation in all_obligations():
        cells = [
            Cell(obligation, period, rows.get((obligation.id, period.key)))
            for period in (current[obligation.id], previous[obligation.id])
        ]
        if any(cell.row is not None for cell in cells):
            entries.append({"obligation": obligation, "current": cells[0], "previous": cells[1]})
    return entries


def schools_in_view(user: Any, filters: dict[str, Any], periods: dict[str, Period]) -> QuerySet[Unit]:
    """The schools of the matrix, filtered by county, stage and a status in the chosen periods."""
    schools = Unit.objects.for_user(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    if filters.get("county") is not None:
        schools = schools.within(filters["county"].path)
    if filters.get("stage"):
        schools = schools.filter(stage=filters["stage"])
    if filters.get("status"):
        judged = statuses(user, periods).filter(status=filters["status"]).values("unit_id")
        schools = schools.filter(pk__in=judged)
    return schools.select_related("parent").order_by("path")


def matrix_rows(user: Any, schools: list[Unit], periods: dict[str, Period]) -> list[dict[str, Any]]:
    """One row per school: a cell per obligation (None where the obligation does not judge it)."""
    found = {
        (row.unit_id, row.obligation): row
        for row in statuses(user, periods).filter(unit__in=[school.pk for school in schools])
    }
    obligations = all_obligations()
    return [
        {"school": school, "cells": [found.get((school.pk, obligation.id)) for obligation in obligations]}
        for school in schools
    ]


def status_counts(user: Any, unit: Unit, today: dt.date) -> dict[str, int]:
    """This period's rows of a school by status, plus what it missed in the previous period."""
    current = Counter(statuses(user, judged_periods(today, CURRENT)).filter(unit=unit).values_list("status", flat=True))
    missed = statuses(user, judged_periods(today, PREVIOUS)).filter(unit=unit, status=Status.MISSED).count()
    return {
        "met": current[Status.MET],
        "due_soon": current[Status.DUE_SOON],
        "scheduled": current[Status.SCHEDULED],
        "open": current[Status.NOT_DUE],
        "missed": missed + current[Status.MISSED],
    }


def schools_that_missed(user: Any, today: dt.date, limit: int = 5) -> tuple[int, list[Unit]]:
    """Schools in the user's region with a missed obligation in the previous period: how many, and a few."""
    judged = statuses(user, judged_periods(today, PREVIOUS)).filter(status=Status.MISSED).values("unit_id")
    schools = Unit.objects.for_user(user).filter(pk__in=judged).order_by("path")
    return schools.count(), list(schools[:limit])


def obligation_settings(obligation: Obligation, today: dt.date) -> list[dict[str, Any]]:
    """The rule values an obligation reads: today's value, the default, and the dated changes."""
    keys = [obligation.required_rule, obligation.window_rule, "compliance.due_soon_days", *obligation.settings]
    return [
        {"spec": get_spec(key), "value": get_rule(key, on=today), "history": rule_history(key)} for key in keys if key
    ]
