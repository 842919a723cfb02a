"""Writes of the roster: classes, pupils with their guardians, leaving school."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import Conflict, InvalidInput, PermissionDenied
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.orgs.models import Unit

from ..grades import class_name
from ..identity import id_hash, mobile_hash
from ..models import (
    Guardian,
    Guardianship,
    MoveKind,
    Pupil,
    PupilMove,
    PupilStatus,
    Relation,
    SchoolClass,
)
from ..selectors import handles_class

MAX_GUARDIANS = 2


@dataclass(frozen=True)
class GuardianInput:
    """A guardian as typed in a form or a file row (mobile already normalised, or empty)."""

    name: str
    relation: str = Relation.OTHER
    mobile: str = ""


def _invalid(exc: ValidationError) -> InvalidInput:
    return InvalidInput("; ".join(str(message) for message in exc.messages))


def _ensure_handles(actor: Any, school_class: SchoolClass | None, unit_id: int) -> None:
    """A teacher may write only the pupils of their own class; leaders and safety staff the whole school."""
    if not handles_class(actor, school_class, unit_id=unit_id):
        raise PermissionDenied(
            _("只有班主任和学校安全管理人员可以修改本班学生。 Only the class teacher or school staff.")
        )


# --- classes ------------------------------------------------------------------------------------


@transaction.atomic
def class_create(
    *,
    actor: Any,
    unit: Unit,
    school_year: int,
    grade: int,
    number: int | None,
    name: str = "",
    class_teacher: Any = None,
) -> SchoolClass:
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "students.schoolclass.create", unit)
    school_class = SchoolClass(
        unit=unit,
        school_year=school_year,
        grade=grade,
        number=number,
        name=(name or class_name(grade, number)).strip(),
        class_teacher=class_teacher,
    )
    try:
        school_class.full_clean()
    except ValidationError as exc:
        raise _invalid(exc) from None
    school_class.save()
    return school_class


@transaction.atomic
def class_update(
    *, actor: Any, school_class: SchoolClass, name: str, class_teacher: Any, is_active: bool
) -> SchoolClass:
    ensure_in_scope(actor, school_class)
    ensure_allowed(actor, "students.schoolclass.change", school_class)
    school_class.name = name.strip()
    school_class.class_teacher = class_teacher
    school_class.is_active = is_active
    try:
        school_class.full_clean()
    except ValidationError as exc:
        raise _invalid(exc) from None
    school_class.save(update_fields=["name", "class_teacher", "is_active"])
    return school_class


# --- pupils and guardians -----------------------------------------------------------------------


def guardian_for(*, unit: Unit, name: str, mobile: str) -> Guardian:
    """The school's guardian with this mobile number (siblings share one), or a new one."""
    digest = mobile_hash(mobile)
    if digest:
        found = Guardian.objects.system("siblings share a guardian, matched by mobile hash").filter(
            unit=unit, mobile_hash=digest
        )
        guardian = found.first()
        if guardian is not None:
            if name and guardian.name != name:
                guardian.name = name
                guardian.save(update_fields=["name"])
            return guardian
    guardian = Guardian(unit=unit, name=name, mobile=mobile, mobile_hash=digest)
    guardian.full_clean()
    guardian.save()
    return guardian


def _drop_orphans(guardian_ids: set[int]) -> None:
    """Guardians no pupil links to any more are deleted: keep no personal data without a purpose."""
    if guardian_ids:
        Guardian.objects.system("removing guardians without pupils").filter(
            pk__in=guardian_ids, guardianships__isnull=True
        ).delete()


def set_guardians(*, pupil: Pupil, guardians: Sequence[GuardianInput]) -> list[Guardianship]:
    """Replace the pupil's guardians (at most two, the first is the primary one)."""
    if len(guardians) > MAX_GUARDIANS:
        raise InvalidInput(_("每名学生最多登记两位监护人。 At most two guardians per pupil."))
    old = Guardianship.objects.system("a pupil's guardians, in scope through the pupil").filter(pupil=pupil)
    previous = set(old.values_list("guardian_id", flat=True))
    old.delete()
    ties: list[Guardianship] = []
    for order, entry in enumerate(guardians, start=1):
        guardian = guardian_for(unit=pupil.unit, name=entry.name, mobile=entry.mobile)
        if any(tie.guardian_id == guardian.pk for tie in ties):
            continue  # the same person listed twice
        tie = Guardianship(pupil=pupil, guardian=guardian, relation=entry.relation, is_primary=order == 1, order=order)
        tie.full_clean()
        tie.save()
        ties.append(tie)
    _drop_orphans(previous - {tie.guardian_id for tie in ties})
    return ties


def keep_mobiles(pupil: Pupil, guardians: Sequence[GuardianInput]) -> list[GuardianInput]:
    """Forms never show a stored number: an empty mobile field keeps the number of the guardian in that place."""
    current = list(pupil.guardianships.all())
    kept = []
    for index, entry in enumerate(guardians):
        if not entry.mobile and index < len(current):
            entry = GuardianInput(entry.name, entry.relation, current[index].guardian.mobile)
        kept.append(entry)
    return kept


def _apply_pupil_fields(pupil: Pupil, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        setattr(pupil, key, value)
    pupil.id_number = (pupil.id_number or "").upper()
    pupil.id_number_hash = id_hash(pupil.id_number)


def _save_pupil(pupil: Pupil) -> None:
    try:
        pupil.full_clean()
    except ValidationError as exc:
        if "__all__" in getattr(exc, "error_dict", {}) or "id_number_hash" in getattr(exc, "error_dict", {}):
            raise Conflict(
                _("本校已有相同学号或身份证号的学生。 A pupil with this student or ID number is already on the roll.")
            ) from None
        raise _invalid(exc) from None
    try:
        with transaction.atomic():
            pupil.save()
    except IntegrityError:
        raise Conflict(
            _("本校已有相同学号或身份证号的学生。 A pupil with this student or ID number is already on the roll.")
        ) from None


@transaction.atomic
def pupil_create(
    *,
    actor: Any,
    school_class: SchoolClass,
    guardians: Sequence[GuardianInput] = (),
    today: datetime.date | None = None,
    **fields: Any,
) -> Pupil:
    """Enrol a pupil in a class. ``fields``: name, gender, date_of_birth, student_number, id_number."""
    ensure_in_scope(actor, school_class)
    ensure_allowed(actor, "students.pupil.create", school_class)
    _ensure_handles(actor, school_class, school_class.unit_id)
    today = today or timezone.localdate()
    pupil = Pupil(unit_id=school_class.unit_id, school_class=school_class, enrolled_on=today)
    _apply_pupil_fields(pupil, fields)
    _save_pupil(pupil)
    set_guardians(pupil=pupil, guardians=guardians)
    PupilMove.objects.create(
        pupil=pupil, to_unit_id=pupil.unit_id, to_class=school_class, kind=MoveKind.ENROLMENT, on=today, by=actor
    )
    ensure_in_scope(actor, pupil)
    return pupil


@transaction.atomic
def pupil_update(*, actor: Any, pupil: Pupil, guardians: Sequence[GuardianInput] | None = None, **fields: Any) -> Pupil:
    ensure_in_scope(actor, pupil)
    ensure_allowed(actor, "students.pupil.change", pupil)
    _ensure_handles(actor, pupil.school_class, pupil.unit_id)
    _apply_pupil_fields(pupil, fields)
    _save_pupil(pupil)
    if guardians is not None:
        set_guardians(pupil=pupil, guardians=guardians)
    ensure_in_scope(actor, pupil)
    return pupil


@transaction.atomic
def pupil_move_class(*, actor: Any, pupil: Pupil, to_class: SchoolClass, today: datetime.date | None = None) -> Pupil:
    """Place a pupil in another class of the same school (or in a first class after a transfer)."""
    ensure_in_scope(actor, pupil)
    ensure_allowed(actor, "students.schoolclass.change", pupil)
    if to_class.unit_id != pupil.unit_id:
        raise InvalidInput(_("只能调入本校的班级。 A pupil can only move to a class of the same school."))
    if pupil.status != PupilStatus.ENROLLED:
        raise Conflict(_("该学生不在读，不能调班。 The pupil is not enrolled."))
    from_class = pupil.school_class
    pupil.school_class = to_class
    pupil.save(update_fields=["school_class", "updated_at"])
    PupilMove.objects.create(
        pupil=pupil,
        from_unit_id=pupil.unit_id,
        to_unit_id=pupil.unit_id,
        from_class=from_class,
        to_class=to_class,
        kind=MoveKind.CLASS_CHANGE,
        on=today or timezone.localdate(),
        by=actor,
    )
    return pupil


LEAVING_KINDS: dict[str, str] = {PupilStatus.LEFT: MoveKind.LEFT, PupilStatus.TRANSFERRED_OUT: MoveKind.TRANSFER}


@transaction.atomic
def pupil_leave(*, actor: Any, pupil: Pupil, status: str, today: datetime.date | None = None) -> Pupil:
    """The pupil leaves school (``left``) or moves to a school outside the city (``transferred_out``)."""
    ensure_in_scope(actor, pupil)
    ensure_allowed(actor, "students.pupil.transfer", pupil)
    if status not in LEAVING_KINDS:
        raise InvalidInput(_("离校类别无效。 Unknown way of leaving."))
    if pupil.status != PupilStatus.ENROLLED:
        raise Conflict(_("该学生不在读。 The pupil is not enrolled."))
    today = today or timezone.localdate()
    PupilMove.objects.create(
        pupil=pupil,
        from_unit_id=pupil.unit_id,
        from_class=pupil.school_class,
        kind=LEAVING_KINDS[status],
        on=today,
        by=actor,
    )
    pupil.status = status
    pupil.left_on = today
    pupil.school_class = None
    pupil.save(update_fields=["status", "left_on", "school_class", "updated_at"])
    return pupil
