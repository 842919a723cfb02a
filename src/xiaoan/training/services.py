"""Writes of training: a session, its attendees (picked from the unit's staff, typed in, or imported)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.orgs.models import Membership, User

from .models import StaffCategory, TrainingRecord, TrainingSession

SESSION_FIELDS = frozenset("title category date hours provider is_fire_training notes".split())


@dataclass(frozen=True)
class Attendee:
    """A person without an account (or an account, by ``user``), with an optional certificate."""

    name: str = ""
    id_number: str = ""
    certificate_no: str = ""
    certificate_expiry: dt.date | None = None
    user: Any = None


def _check_session_fields(fields: dict[str, Any], today: dt.date) -> None:
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if fields.get("date") and fields["date"] > today:
        raise InvalidInput(_("培训日期不能晚于今天：请在培训结束后登记。 The date cannot be in the future."))


@transaction.atomic
def session_create(*, actor: Any, unit: Any, today: dt.date | None = None, **fields: Any) -> TrainingSession:
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "training.trainingsession.create", unit)
    _check_session_fields(fields, today or timezone.localdate())
    session = TrainingSession(unit=unit, recorded_by=actor, **fields)
    session.full_clean()
    session.save()
    ensure_in_scope(actor, session)
    return session


@transaction.atomic
def session_update(
    *, actor: Any, session: TrainingSession, today: dt.date | None = None, **fields: Any
) -> TrainingSession:
    ensure_in_scope(actor, session)
    ensure_allowed(actor, "training.trainingsession.change", session)
    _check_session_fields(fields, today or timezone.localdate())
    was_new_principal = session.category == StaffCategory.NEW_PRINCIPAL
    for key, value in fields.items():
        setattr(session, key, value)
    session.full_clean()
    session.save()
    _refresh_snapshots(session, certificates=True, principals=was_new_principal)
    return session


def _refresh_snapshots(session: TrainingSession, *, certificates: bool, principals: bool = False) -> None:
    """Recompute today's certificate and new-principal standings the session may change (after commit)."""
    from xiaoan.compliance.obligations import request_refresh

    if certificates and session.unit.is_school:
        request_refresh("training.certificates_current", unit_ids=[session.unit_id])
    if principals or session.category == StaffCategory.NEW_PRINCIPAL:
        # judged per leader post, which may be at another unit than the session's: recompute every school
        request_refresh("training.new_principal_trained")


def staff_of(unit: Any) -> Any:
    """Accounts with an active post at ``unit`` itself (the people a session can pick from)."""
    posts = Membership.objects.system("the staff of a unit the caller already holds in scope").filter(
        unit=unit, is_active=True
    )
    return User.objects.filter(pk__in=posts.values("user_id"), is_active=True).order_by("full_name", "username")


@transaction.atomic
def attendees_add(
    *, actor: Any, session: TrainingSession, users: Iterable[Any] = (), people: Iterable[Attendee] = ()
) -> tuple[int, int]:
    """Add many attendees at once; returns (added, updated). Someone already on the session is updated
    (certificate) rather than added twice. Accounts must hold a post at the session's unit."""
    ensure_in_scope(actor, session)
    ensure_allowed(actor, "training.trainingsession.change", session)
    chosen = [Attendee(user=user) for user in users] + list(people)
    allowed = set(
        staff_of(session.unit).filter(pk__in=[a.user.pk for a in chosen if a.user]).values_list("pk", flat=True)
    )
    rows: dict[str, TrainingRecord] = {}
    for attendee in chosen:
        if attendee.user is not None and attendee.user.pk not in allowed:
            raise InvalidInput(_("所选人员不在本单位任职。 A chosen person holds no post at this unit."))
        name = attendee.user.display_name if attendee.user is not None else attendee.name.strip()
        record = TrainingRecord(
            session=session, user=attendee.user, name=name[:50], id_number=attendee.id_number.strip(),
            certificate_no=attendee.certificate_no.strip(), certificate_expiry=attendee.certificate_expiry,
        )  # fmt: skip
        record.full_clean(exclude=["session", "person_key"], validate_constraints=False)
        record.person_key = TrainingRecord.key_for(record.user_id, record.name, record.id_number)
        rows[record.person_key] = record
    existing = {r.person_key: r for r in session.records.filter(person_key__in=list(rows))}
    added = [record for key, record in rows.items() if key not in existing]
    updated = []
    for key, current in existing.items():
        new = rows[key]
        if new.certificate_no and (new.certificate_no, new.certificate_expiry) != (
            current.certificate_no, current.certificate_expiry,
        ):  # fmt: skip
            current.certificate_no, current.certificate_expiry = new.certificate_no, new.certificate_expiry
            current.save(update_fields=["certificate_no", "certificate_expiry"])
            updated.append(current)
    TrainingRecord.objects.bulk_create(added, batch_size=500)
    if session.is_fire_training and session.unit.is_school:
        from xiaoan.compliance.obligations import request_refresh

        request_refresh("training.fire_training_yearly", unit_ids=[session.unit_id], day=session.date)
    _refresh_snapshots(session, certificates=any(r.certificate_expiry for r in [*added, *updated]))
    return len(added), len(updated)


@transaction.atomic
def record_remove(*, actor: Any, record: TrainingRecord) -> None:
    ensure_in_scope(actor, record)
    ensure_allowed(actor, "training.trainingsession.change", record)
    session = record.session
    record.delete()
    _refresh_snapshots(session, certificates=record.certificate_expiry is not None)
