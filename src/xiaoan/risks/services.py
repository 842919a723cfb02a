"""Writes of risk points: create, edit, review. Each re-checks scope and permission and grades with the rules
in force on the grading day (a changed threshold applies only from its date on)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, unscoped
from xiaoan.orgs.models import Membership, Unit

from .grading import grade
from .models import RiskPoint, RiskReview

DESCRIPTION_FIELDS = ("name", "place", "kind", "hazard_factors", "consequences", "control_measures", "responsible_post")


def _check_responsible(unit: Unit, responsible: Any) -> None:
    if responsible is None:
        return
    with unscoped("is the responsible person on the staff of the risk point's school?"):
        on_staff = Membership.objects.filter(user=responsible, unit=unit, is_active=True).exists()
    if not on_staff:
        raise ValidationError({"responsible": _("责任人须在本校任职。 The responsible person must hold a post here.")})


def _schedule_review(risk_point: RiskPoint) -> None:
    risk_point.review_due = risk_point.last_reviewed_on + dt.timedelta(days=risk_point.review_cycle_days)


@transaction.atomic
def risk_point_create(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    hazard_factors: str,
    control_measures: str,
    method: str,
    likelihood: Decimal | None = None,
    exposure: Decimal | None = None,
    consequence: Decimal | None = None,
    level: str = "",
    place: str = "",
    kind: str = "place",
    consequences: str = "",
    responsible: Any = None,
    responsible_post: str = "",
    review_cycle_days: int | None = None,
    today: dt.date | None = None,
) -> RiskPoint:
    """A new risk point of ``unit`` (a school), graded today; its first review falls one cycle later."""
    today = today or timezone.localdate()
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "risks.riskpoint.create", unit)
    if not unit.is_school:
        raise InvalidInput(_("风险点只能登记在学校。 Risk points belong to a school."))
    _check_responsible(unit, responsible)
    risk_point = RiskPoint(
        unit=unit,
        name=name,
        place=place,
        kind=kind,
        hazard_factors=hazard_factors,
        consequences=consequences,
        control_measures=control_measures,
        responsible=responsible,
        responsible_post=responsible_post,
        review_cycle_days=review_cycle_days or get_rule("risks.review_cycle_days", on=today),
        last_reviewed_on=today,
        graded_on=today,
    )
    grading = grade(
        method=method, on=today, likelihood=likelihood, exposure=exposure, consequence=consequence, level=level
    )
    grading.apply_to(risk_point)
    _schedule_review(risk_point)
    risk_point.full_clean()
    risk_point.save()
    ensure_in_scope(actor, risk_point)
    return risk_point


@transaction.atomic
def risk_point_update(*, actor: Any, risk_point: RiskPoint, today: dt.date | None = None, **fields: Any) -> RiskPoint:
    """Edit the description, owner and cycle; a changed grading is re-graded with today's rules."""
    today = today or timezone.localdate()
    ensure_in_scope(actor, risk_point)
    ensure_allowed(actor, "risks.riskpoint.change", risk_point)
    grading_fields = {key: fields.pop(key) for key in ("method", "likelihood", "exposure", "consequence", "level")
                      if key in fields}  # fmt: skip
    unknown = set(fields) - {*DESCRIPTION_FIELDS, "responsible", "review_cycle_days"}
    if unknown:
        raise TypeError(f"risk_point_update() got unexpected fields: {sorted(unknown)}")
    if "responsible" in fields:
        _check_responsible(risk_point.unit, fields["responsible"])
    for key, value in fields.items():
        setattr(risk_point, key, value)
    if grading_fields and _grading_changed(risk_point, grading_fields):
        wanted = {key: getattr(risk_point, key) for key in ("method", "likelihood", "exposure", "consequence", "level")}
        wanted.update(grading_fields)
        grade(on=today, **wanted).apply_to(risk_point)
        risk_point.graded_on = today
    _schedule_review(risk_point)
    risk_point.full_clean()
    risk_point.save()
    ensure_in_scope(actor, risk_point)
    return risk_point


def _grading_changed(risk_point: RiskPoint, wanted: dict[str, Any]) -> bool:
    for key, value in wanted.items():
        current = getattr(risk_point, key)
        if key in ("likelihood", "exposure", "consequence"):
            if (current is None) != (value is None) or (value is not None and Decimal(value) != current):
                return True
        elif key == "level" and wanted.get("method", risk_point.method) != "direct":
            continue  # the level of an LEC grading is computed, not chosen
        elif value != current:
            return True
    return False


@transaction.atomic
def risk_point_review(
    *,
    actor: Any,
    risk_point: RiskPoint,
    reviewed_on: dt.date,
    notes: str = "",
    method: str,
    likelihood: Decimal | None = None,
    exposure: Decimal | None = None,
    consequence: Decimal | None = None,
    level: str = "",
    today: dt.date | None = None,
) -> RiskReview:
    """Record a review: re-grade with the rules of ``reviewed_on``, keep the history, restart the cycle."""
    today = today or timezone.localdate()
    ensure_in_scope(actor, risk_point)
    ensure_allowed(actor, "risks.riskpoint.review", risk_point)
    if reviewed_on > today:
        raise ValidationError({"reviewed_on": _("复核日期不能晚于今天。 The review date cannot be in the future.")})
    if reviewed_on < risk_point.last_reviewed_on:
        raise ValidationError(
            {"reviewed_on": _("复核日期不能早于上次复核。 The review date cannot precede the last review.")}
        )
    grading = grade(
        method=method, on=reviewed_on, likelihood=likelihood, exposure=exposure, consequence=consequence, level=level
    )
    review = RiskReview(
        risk_point=risk_point,
        reviewed_on=reviewed_on,
        reviewer=actor,
        notes=notes,
        previous_level=risk_point.level,
        method=grading.method,
        likelihood=grading.likelihood,
        exposure=grading.exposure,
        consequence=grading.consequence,
        score=grading.score,
        level=grading.level,
    )
    review.full_clean()
    review.save()
    grading.apply_to(risk_point)
    risk_point.graded_on = reviewed_on
    risk_point.last_reviewed_on = reviewed_on
    _schedule_review(risk_point)
    risk_point.full_clean()
    risk_point.save()
    ensure_in_scope(actor, risk_point)
    return review
