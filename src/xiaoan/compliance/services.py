"""Computing statuses: set-based (a few queries per obligation and period, whatever the number of schools)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind

from .models import ComplianceStatus, Status
from .obligations import Obligation, Tally, Verdict, all_obligations, get_obligation, tally
from .periods import ROLLING, Period, parse_month_day, period_containing, previous_period

REASON = "compliance engine: judges every school"
UNIT_FACTS = ("id", "stage", "is_boarding", "runs_buses", "pupils", "boarders", "staff_count")
WRITTEN = ("period_start", "period_end", "status", "count", "required", "evidence", "computed_at")


def period_options(day: dt.date) -> dict[str, Any]:
    return {
        "spring": parse_month_day(get_rule("compliance.spring_starts", on=day)),
        "autumn": parse_month_day(get_rule("compliance.autumn_starts", on=day)),
    }


def period_for(obligation: Obligation, day: dt.date) -> Period:
    options = period_options(day)
    if obligation.period == ROLLING:
        options["window_days"] = int(get_rule(obligation.window_rule, on=day))  # type: ignore[arg-type]
    return period_containing(obligation.period, day, **options)


def periods_to_refresh(obligation: Obligation, today: dt.date) -> list[Period]:
    """The current period and the one before it (a rolling window has only the current one)."""
    current = period_for(obligation, today)
    if obligation.period == ROLLING:
        return [current]
    return [previous_period(current, **period_options(current.start - dt.timedelta(days=1))), current]


def required_count(obligation: Obligation, unit: dict[str, Any], period: Period) -> int:
    """Read on the period's first day: a setting changed later applies only to later periods."""
    if obligation.required_for is not None:
        return int(obligation.required_for(unit, period))
    if obligation.required_rule:
        return int(get_rule(obligation.required_rule, on=period.start))
    return obligation.required


def judge(*, count: int, required: int, scheduled: int, period: Period, today: dt.date, due_soon_days: int) -> str:
    if today < period.start:
        return Status.NOT_DUE
    if count >= required:
        return Status.MET
    if today > period.end:
        return Status.MISSED
    if scheduled:
        return Status.SCHEDULED
    if (period.end - today).days < due_soon_days:
        return Status.DUE_SOON
    return Status.NOT_DUE


def applicable_schools(obligation: Obligation, unit_ids: Iterable[int] | None = None) -> QuerySet[Unit]:
    units = Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL, is_active=True).filter(obligation.applicability())
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    return units


def _tallies(source: Any, obligation: Obligation, unit_ids: list[int] | None) -> Mapping[int, Tally | Verdict]:
    if source is None:
        return {}
    if isinstance(source, QuerySet):
        if unit_ids is not None:
            source = source.filter(**{f"{obligation.unit_field}__in": unit_ids})
        return tally(source, obligation.unit_field)
    return source


def refresh(
    obligation_id: str,
    unit_ids: Iterable[int] | None = None,
    period: Period | None = None,
    *,
    today: dt.date | None = None,
) -> int:
    """Recompute one obligation for one period (default: the current one); returns the rows written."""
    obligation = get_obligation(obligation_id)
    today = today or timezone.localdate()
    period = period or period_for(obligation, today)
    wanted = list(unit_ids) if unit_ids is not None else None
    schools = list(applicable_schools(obligation, wanted).values(*UNIT_FACTS))
    if obligation.snapshot:
        done = _tallies(obligation.evidence(period, min(today, period.end)), obligation, wanted)
        schools = [school for school in schools if school["id"] in done]
    else:
        done = _tallies(obligation.evidence(period), obligation, wanted)
    planned: Mapping[int, Tally | Verdict] = {}
    if obligation.scheduled is not None and today <= period.end:
        planned = _tallies(obligation.scheduled(period), obligation, wanted)
    due_soon_days = int(get_rule("compliance.due_soon_days", on=period.start))
    now = timezone.now()
    rows = []
    for school in schools:
        found = done.get(school["id"], Tally(0, []))
        required = found.required if isinstance(found, Verdict) else required_count(obligation, school, period)
        scheduled = planned.get(school["id"], Tally(0, [])).total
        status = found.status if isinstance(found, Verdict) and today >= period.start else None
        if status == Status.DUE_SOON and today > period.end:  # nothing was overdue when the period closed
            status = Status.MET if found.total >= required else Status.NOT_DUE
        status = status or judge(
            count=found.total, required=required, scheduled=scheduled, period=period, today=today,
            due_soon_days=due_soon_days,
        )  # fmt: skip
        rows.append((school["id"], period, status, found.total, required, found.ids, now))
    with transaction.atomic():
        _upsert(obligation.id, rows)
        stale = ComplianceStatus.objects.system(REASON).filter(obligation=obligation.id, period_key=period.key)
        if obligation.snapshot:  # a school the evidence no longer lists is no longer concerned
            if wanted is not None:
                stale = stale.filter(unit__in=wanted)
            stale.exclude(unit__in=[school["id"] for school in schools]).delete()
        elif wanted is None:
            stale.exclude(unit__in=applicable_schools(obligation)).delete()
    return len(rows)


def _upsert(obligation_id: str, rows: list[tuple[Any, ...]]) -> None:
    """One prepared INSERT … ON CONFLICT DO UPDATE run for all rows (SQLite ≥ 3.24 and PostgreSQL).

    ``bulk_create(update_conflicts=True)`` splits its INSERT into batches of 999 parameters on SQLite (about
    ninety rows), so its statement count grows with the number of schools; ``executemany`` sends one
    statement with many parameter sets on both databases.
    """
    if not rows:
        return
    meta = ComplianceStatus._meta
    by_name = {f.name: f for f in meta.concrete_fields}
    fields = [by_name[name] for name in ("unit", "obligation", "period_key", *WRITTEN)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    updates = ", ".join(f"{quote(by_name[n].column)} = excluded.{quote(by_name[n].column)}" for n in WRITTEN)
    unique = ", ".join(quote(f.column) for f in fields[:3])
    placeholders = ", ".join(["%s"] * len(fields))
    # identifiers come from the model's own metadata; every value is a bound parameter
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
    sql = insert + f"ON CONFLICT ({unique}) DO UPDATE SET {updates}"
    prepared = []
    for unit_id, period, status, count, required, ids, now in rows:
        values = (unit_id, obligation_id, period.key, period.start, period.end, status, count, required, ids, now)
        prepared.append([f.get_db_prep_save(value, connection) for f, value in zip(fields, values, strict=True)])
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def refresh_all(*, today: dt.date | None = None) -> int:
    """The periodic job: every obligation, for its current and previous period; then the reminders."""
    today = today or timezone.localdate()
    written = 0
    for obligation in all_obligations():
        for period in periods_to_refresh(obligation, today):
            written += refresh(obligation.id, period=period, today=today)
    from .reminders import send_due_soon_reminders

    send_due_soon_reminders(today=today)
    return written
