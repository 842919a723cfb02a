"""Declaring obligations: the public API every module uses (DESIGN.md §3, "Obligations").

An app declares what schools must do in its own ``<app>/obligations.py``; the compliance app imports
every such module at start-up (like ``rules.py`` and ``permissions.py``) and computes, for all schools
at once, one status per (school, obligation, period).

Example (``xiaoan/drills/obligations.py``)::

    from django.db.models import Q
    from django.utils.translation import gettext_lazy as _

    from xiaoan.compliance.obligations import Obligation, declare_obligation
    from xiaoan.compliance.periods import MONTH

    from .models import Drill


    def held_drills(period):
        return Drill.objects.system("compliance: drills held in a period").filter(
            state=Drill.State.HELD, held_on__range=(period.start, period.end)
        )


    declare_obligation(
        Obligation(
            id="drills.monthly_drill",
            name=_("每月应急疏散演练"),
            rule=_("中小学每个自然月至少组织1次应急疏散演练。"),
            source="《中小学幼儿园应急疏散演练指南》",
            period=MONTH,
            applies_to=lambda: Q(stage__in=["primary", "junior"]),
            applies_text=_("中小学（不含幼儿园）"),
            evidence=held_drills,               # a queryset with a ``unit`` FK: counted per school
            required_rule="drills.per_month",   # read with get_rule(key, on=period.start)
            evidence_url="drills:drill_detail", # a URL name taking the record's pk
        )
    )

The owning app's services call ``request_refresh("drills.monthly_drill", unit_ids=[unit.pk],
day=drill.held_on)`` after a relevant write (it enqueues ``services.refresh`` after commit).

Fields of ``Obligation``:

- ``applies_to``: a ``Q`` over ``orgs.Unit`` (or a function returning one); only active schools are judged.
- ``period``: ``month`` | ``quarter`` | ``semester`` | ``year`` | ``rolling`` (with ``window_rule``, a
  rule key giving the window in days). Semester boundaries are the rules ``compliance.spring_starts`` and
  ``compliance.autumn_starts``.
- ``evidence(period)``: either a queryset of the records that meet the obligation (the engine groups it
  by ``unit_field`` in ONE aggregate query, evidence = the records' pks), or an already computed mapping
  ``{unit_id: Tally(total, [ids])}`` — which must itself be set-based, never a loop over schools. A value
  may instead be a ``Verdict(total, ids, required, status)`` carrying its school's own required count and
  a pre-decided status (stored as is), so a count that depends on the school needs no query per school.
- ``snapshot=True`` (a state, not a count of events: "no certificate has expired"): the engine calls
  ``evidence(period, day)`` with ``day`` = the refresh day capped at the period's end, and judges only
  the schools the mapping lists (each value a ``Verdict``); the others are not concerned this period.
  A snapshot obligation's ``request_refresh`` passes no ``day`` (the current period, judged today).
- ``scheduled(period)`` (optional): a queryset of planned records; a school with one and not yet met is
  "scheduled" rather than "due soon".
- ``required_rule`` (a rule key) or ``required`` (a number) per period; ``required_for(unit, period)``
  overrides both for counts that depend on the school (``unit`` is a dict of the Unit's fields
  ``id stage is_boarding runs_buses pupils boarders staff_count``).
- ``settings``: further rule keys shown on the definition page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.apps import apps
from django.db.models import Aggregate, CharField, Count, Q, QuerySet

from .periods import KINDS, ROLLING, Period


class Tally(NamedTuple):
    total: int
    ids: list[int]


class Verdict(NamedTuple):
    """A school's standing decided by the owning app: the records counted, the count required, the status."""

    total: int
    ids: list[int]
    required: int
    status: str | None = None  # None: the engine judges ``total`` against ``required`` as for a Tally


Evidence = Callable[..., "QuerySet[Any] | Mapping[int, Tally | Verdict]"]


@dataclass(frozen=True)
class Obligation:
    id: str
    name: Any
    rule: Any
    source: Any  # a regulation's title, or a translatable text
    period: str
    applies_to: Q | Callable[[], Q]
    evidence: Evidence
    applies_text: Any = ""
    scheduled: Callable[[Period], QuerySet[Any]] | None = None
    required_rule: str | None = None
    required: int = 1
    required_for: Callable[[dict[str, Any], Period], int] | None = None
    window_rule: str | None = None
    unit_field: str = "unit"
    evidence_url: str | None = None
    settings: tuple[str, ...] = field(default_factory=tuple)
    snapshot: bool = False

    def __post_init__(self) -> None:
        if "." not in self.id:
            raise ValueError(f"Obligation ids are namespaced by app: {self.id!r}")
        if self.period not in KINDS:
            raise ValueError(f"Unknown period kind {self.period!r}")
        if self.period == ROLLING and not self.window_rule:
            raise ValueError(f"{self.id}: a rolling window needs window_rule")

    @property
    def app(self) -> str:
        return self.id.split(".", 1)[0]

    def applicability(self) -> Q:
        return self.applies_to() if callable(self.applies_to) else self.applies_to

    def rule_keys(self) -> list[str]:
        keys = [self.required_rule, self.window_rule, *self.settings]
        return [key for key in keys if key]


def snapshot_status(*, overdue: int, due_soon: int, pending: int = 0) -> str:
    """A snapshot school's status from its items: one overdue is missed, one due soon is due soon, one still
    pending (before its deadline) is not yet due; all in order is met."""
    from .models import Status

    if overdue:
        return Status.MISSED
    if due_soon:
        return Status.DUE_SOON
    return Status.NOT_DUE if pending else Status.MET


OBLIGATIONS: dict[str, Obligation] = {}


def declare_obligation(obligation: Obligation) -> Obligation:
    OBLIGATIONS[obligation.id] = obligation
    return obligation


def get_obligation(obligation_id: str) -> Obligation:
    try:
        return OBLIGATIONS[obligation_id]
    except KeyError:
        raise LookupError(f"Obligation {obligation_id!r} is not declared") from None


def all_obligations() -> list[Obligation]:
    return sorted(OBLIGATIONS.values(), key=lambda obligation: obligation.id)


def collect_obligations() -> None:
    """Import ``obligations`` from every installed xiaoan app (its module-level declarations register)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("xiaoan.") or config.name == "xiaoan.compliance":
            continue
        try:
            importlib.import_module(f"{config.name}.obligations")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.obligations":
                raise


def request_refresh(obligation_id: str, *, unit_ids: list[int] | None = None, day: Any = None) -> None:
    """After the current transaction commits, recompute ``obligation_id`` for the period containing ``day``."""
    from xiaoan.core.tasks import enqueue

    enqueue(
        "xiaoan.compliance.tasks.refresh_one",
        obligation_id,
        unit_ids=list(unit_ids) if unit_ids is not None else None,
        day=day.isoformat() if day is not None else None,
    )


class IdList(Aggregate):
    """The grouped rows' ids as "1,2,3" (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="STRING_AGG", template="%(function)s(CAST(%(expressions)s AS text), ',')"
        )


def tally(queryset: QuerySet[Any], unit_field: str = "unit") -> dict[int, Tally]:
    """``{unit_id: Tally(total, ids)}`` for the records in ``queryset``: one aggregate query, every school."""
    rows = (
        queryset.order_by()
        .values(unit_field)
        .annotate(n=Count("pk"), ids=IdList("pk"))
        .values_list(unit_field, "n", "ids")
    )
    return {unit_id: Tally(n, sorted(int(pk) for pk in str(ids).split(","))) for unit_id, n, ids in rows}
