"""Writes: plans and their versions, drills (plan, record, cancel), follow-ups of problems found."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import IO, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.compliance.obligations import request_refresh
from xiaoan.core.errors import InvalidInput
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.orgs.models import Unit

from .models import Drill, DrillFollowUp, EmergencyPlan, PlanVersion
from .obligations import DRILL_OBLIGATIONS, PLANS_REVIEWED, review_limit
from .workflow import DRILL_WORKFLOW


def _ensure_school(unit: Unit) -> None:
    if not unit.is_school:
        raise InvalidInput(_("只有学校和幼儿园登记预案和演练。 Only schools record plans and drills."))


@transaction.atomic
def plan_create(*, actor: Any, unit: Unit, kind: str, title: str) -> EmergencyPlan:
    ensure_allowed(actor, "drills.emergencyplan.create")
    _ensure_school(unit)
    plan = EmergencyPlan(unit=unit, kind=kind, title=title.strip(), created_by=actor)
    ensure_in_scope(actor, plan)
    ensure_allowed(actor, "drills.emergencyplan.create", plan)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_revise(
    *,
    actor: Any,
    plan: EmergencyPlan,
    revised_on: dt.date,
    approved_by: str,
    approved_on: dt.date,
    note: str = "",
    document: IO[bytes] | None = None,
) -> PlanVersion:
    """A new version becomes the current one; earlier versions stay on file."""
    from xiaoan.core.attachments.services import attachment_add

    ensure_in_scope(actor, plan)
    ensure_allowed(actor, "drills.emergencyplan.change", plan)
    if approved_on < revised_on:
        raise InvalidInput(_("审批日期不能早于修订日期。 Approval cannot precede the revision."))
    locked = EmergencyPlan.objects.system("lock the plan being revised").select_for_update().get(pk=plan.pk)
    number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PlanVersion(
        plan=locked,
        number=number,
        revised_on=revised_on,
        approved_by=approved_by.strip(),
        approved_on=approved_on,
        note=note.strip(),
        created_by=actor,
    )
    version.full_clean()
    version.save()
    if document is not None:
        attachment_add(actor=actor, owner=version, upload=document)
    locked.current_version = version
    locked.review_reminded_on = None
    locked.save(update_fields=["current_version", "review_reminded_on"])
    ensure_in_scope(actor, locked)
    request_refresh(PLANS_REVIEWED.id, unit_ids=[locked.unit_id])
    return version


def plan_review_due(plan: EmergencyPlan, today: dt.date | None = None) -> bool:
    """True when the current version is older than the review cycle (or the plan has no version yet)."""
    today = today or timezone.localdate()
    version = plan.current_version
    if version is None:
        return True
    return version.revised_on < review_limit(today)


def _refresh_compliance(drill: Drill, day: dt.date) -> None:
    for obligation_id in DRILL_OBLIGATIONS:
        request_refresh(obligation_id, unit_ids=[drill.unit_id], day=day)


@transaction.atomic
def drill_plan(*, actor: Any, unit: Unit, kind: str, planned_on: dt.date, scope: str, scenario: str = "") -> Drill:
    ensure_allowed(actor, "drills.drill.create")
    _ensure_school(unit)
    drill = Drill(
        unit=unit, kind=kind, planned_on=planned_on, scope=scope.strip(), scenario=scenario.strip(), created_by=actor
    )
    ensure_in_scope(actor, drill)
    ensure_allowed(actor, "drills.drill.create", drill)
    drill.full_clean()
    drill.save()
    _refresh_compliance(drill, planned_on)
    return drill


@transaction.atomic
def drill_record(
    *,
    actor: Any,
    drill: Drill,
    held_at: dt.datetime,
    participants: int,
    evacuation_seconds: int | None,
    problems: str = "",
    summary: str = "",
    photos: tuple[IO[bytes], ...] = (),
) -> Drill:
    """Planned → held: the results, the target in force that day, one follow-up per problem, the photos."""
    from xiaoan.core.attachments.services import attachment_add

    if timezone.is_naive(held_at):
        raise InvalidInput(_("举行时间须带时区。 The time needs a time zone."))
    held_on = timezone.localtime(held_at).date()
    if held_on > timezone.localdate():
        raise InvalidInput(_("不能记录未来的演练。 A drill cannot be recorded before it happens."))
    if participants < 1:
        raise InvalidInput(_("参演人数至少为1。 At least one participant."))
    changes = {
        "held_at": held_at,
        "held_on": held_on,
        "participants": participants,
        "evacuation_seconds": evacuation_seconds,
        "target_seconds": int(get_rule("drills.evacuation_target_seconds", on=held_on)),
        "problems": problems.strip(),
        "summary": summary.strip(),
    }
    DRILL_WORKFLOW.fire(drill, "record", actor=actor, changes=changes)
    drill.refresh_from_db()
    lines = [line.strip() for line in drill.problems.splitlines() if line.strip()]
    DrillFollowUp.objects.bulk_create([DrillFollowUp(drill=drill, problem=line[:300]) for line in lines])
    for photo in photos:
        attachment_add(actor=actor, owner=drill, upload=photo)
    _refresh_compliance(drill, held_on)
    return drill


@transaction.atomic
def drill_cancel(*, actor: Any, drill: Drill, reason: str) -> Drill:
    DRILL_WORKFLOW.fire(drill, "cancel", actor=actor, comment=reason)
    drill.refresh_from_db()
    _refresh_compliance(drill, drill.planned_on)
    return drill


@transaction.atomic
def follow_up_assign(*, actor: Any, follow_up: DrillFollowUp, owner: Any, due_on: dt.date | None) -> DrillFollowUp:
    """Name who fixes the problem (someone with a post at the drill's school) and by when."""
    from .selectors import school_staff

    ensure_in_scope(actor, follow_up)
    ensure_allowed(actor, "drills.drillfollowup.change", follow_up)
    if follow_up.done_at is not None:
        raise InvalidInput(_("该问题已整改完毕。 This problem is already fixed."))
    if owner is not None and not school_staff(follow_up.drill.unit_id).filter(pk=owner.pk).exists():
        raise InvalidInput(_("责任人须在本校任职。 The owner must hold a post at the school."))
    if due_on is not None and follow_up.drill.held_on and due_on < follow_up.drill.held_on:
        raise InvalidInput(_("整改期限不能早于演练日期。 The due date cannot precede the drill."))
    follow_up.owner = owner
    follow_up.due_on = due_on
    follow_up.full_clean()
    follow_up.save(update_fields=["owner", "due_on"])
    return follow_up


@transaction.atomic
def follow_up_close(*, actor: Any, follow_up: DrillFollowUp) -> DrillFollowUp:
    ensure_in_scope(actor, follow_up)
    ensure_allowed(actor, "drills.drillfollowup.change", follow_up)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
    return follow_up


def hazard_reporter() -> Any:
    """The hazards module's ``hazard_report`` service, when that module is installed."""
    try:
        module = importlib.import_module("xiaoan.hazards.services")
    except ImportError:
        return None
    return getattr(module, "hazard_report", None)


@transaction.atomic
def follow_up_to_hazard(*, actor: Any, follow_up: DrillFollowUp, category: str = "other") -> DrillFollowUp:
    """Hand a problem on to the hazard register (登记隐患); the follow-up then points at the hazard."""
    report = hazard_reporter()
    if report is None:
        raise InvalidInput(_("隐患模块未启用。 The hazard module is not installed."))
    ensure_in_scope(actor, follow_up)
    ensure_allowed(actor, "drills.drillfollowup.change", follow_up)
    if follow_up.hazard_id:
        raise InvalidInput(_("该问题已转为隐患。 This problem is already a hazard."))
    drill = follow_up.drill
    hazard = report(
        actor=actor,
        unit=drill.unit,
        category=category,
        place=drill.scope,
        description=follow_up.problem,
        source="staff",
        source_kind="drills.drill",
        source_id=drill.pk,
    )
    follow_up.hazard_id = hazard.pk
    follow_up.save(update_fields=["hazard_id"])
    return follow_up
