"""Year-end promotion and transfers between schools of the city."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import Conflict, InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import UnitKind

from ..grades import class_name, final_grade
from ..models import (
    Guardianship,
    MoveKind,
    Pupil,
    PupilMove,
    PupilStatus,
    PupilTransfer,
    SchoolClass,
    TransferState,
)
from .roster import GuardianInput, set_guardians

# --- year-end promotion ---------------------------------------------------------------------------


def promoted_name(school_class: SchoolClass) -> str:
    """三年级（2）班 → 四年级（2）班; a name that does not start with the grade gets the usual form."""
    old_label = class_name(school_class.grade, None)
    new_label = class_name(school_class.grade + 1, None)
    if school_class.name.startswith(old_label):
        return new_label + school_class.name[len(old_label) :]
    return class_name(school_class.grade + 1, school_class.number)


@dataclass
class PromotionResult:
    classes: int = 0
    promoted: int = 0
    graduated: int = 0


@transaction.atomic
def school_promote(*, actor: Any, unit: Unit, from_year: int, today: datetime.date | None = None) -> PromotionResult:
    """Year end: each active class of ``from_year`` moves up a grade into a new class of the next year (same
    teacher); pupils of the school's last grade graduate. Old classes are kept, inactive, for the history."""
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "students.schoolclass.promote", unit)
    today = today or timezone.localdate()
    classes = list(SchoolClass.objects.for_user(actor, "view").filter(unit=unit, school_year=from_year, is_active=True))
    if SchoolClass.objects.for_user(actor, "view").filter(unit=unit, school_year=from_year + 1).exists():
        raise Conflict(_("下一学年的班级已经存在，不能重复升级。 The next year's classes exist already."))
    if not classes:
        raise InvalidInput(_("该学年没有在用的班级。 There are no active classes in that school year."))
    last = final_grade(unit.stage)
    result = PromotionResult()
    moves: list[PupilMove] = []
    pupils = Pupil.objects.for_user(actor, "view").filter(status=PupilStatus.ENROLLED)
    for old in classes:
        members = list(pupils.filter(school_class=old).values_list("pk", flat=True))
        if old.grade >= last:
            pupils.filter(pk__in=members).update(
                status=PupilStatus.GRADUATED, left_on=today, school_class=None, updated_at=timezone.now()
            )
            moves += [
                PupilMove(pupil_id=pk, from_unit=unit, from_class=old, kind=MoveKind.GRADUATED, on=today, by=actor)
                for pk in members
            ]
            result.graduated += len(members)
        else:
            new = SchoolClass(
                unit=unit,
                school_year=from_year + 1,
                grade=old.grade + 1,
                number=old.number,
                name=promoted_name(old),
                class_teacher_id=old.class_teacher_id,
            )
            new.full_clean()
            new.save()
            pupils.filter(pk__in=members).update(school_class=new, updated_at=timezone.now())
            moves += [
                PupilMove(
                    pupil_id=pk,
                    from_unit=unit,
                    to_unit=unit,
                    from_class=old,
                    to_class=new,
                    kind=MoveKind.PROMOTION,
                    on=today,
                    by=actor,
                )
                for pk in members
            ]
            result.classes += 1
            result.promoted += len(members)
    SchoolClass.objects.for_user(actor, "view").filter(pk__in=[old.pk for old in classes]).update(is_active=False)
    PupilMove.objects.bulk_create(moves, batch_size=1000)
    return result


# --- transfers within the city ------------------------------------------------------------------


@transaction.atomic
def transfer_request(*, actor: Any, pupil: Pupil, to_unit: Unit, today: datetime.date | None = None) -> PupilTransfer:
    """The sending school names the receiving school; the pupil stays on its roll until accepted."""
    ensure_in_scope(actor, pupil)
    ensure_allowed(actor, "students.pupil.transfer", pupil)
    if to_unit.kind != UnitKind.SCHOOL or not to_unit.is_active:
        raise InvalidInput(_("请选择一所在用的学校。 Choose an active school."))
    if to_unit.pk == pupil.unit_id:
        raise InvalidInput(_("不能转入本校。 A pupil cannot transfer to the same school."))
    if pupil.status != PupilStatus.ENROLLED:
        raise Conflict(_("该学生不在读或已在转学中。 The pupil is not enrolled, or already transferring."))
    today = today or timezone.localdate()
    transfer = PupilTransfer(
        pupil=pupil, from_unit_id=pupil.unit_id, to_unit=to_unit, requested_by=actor, requested_on=today
    )
    transfer.full_clean()
    transfer.save()
    pupil.status = PupilStatus.TRANSFERRING
    pupil.save(update_fields=["status", "updated_at"])
    return transfer


def _pending_transfer_of(pupil: Pupil) -> PupilTransfer:
    transfer = (
        PupilTransfer.objects.system("the sending school's own pending transfer")
        .filter(pupil=pupil, state=TransferState.PENDING)
        .select_for_update()
        .first()
    )
    if transfer is None:
        raise Conflict(_("没有待接收的转学。 There is no pending transfer."))
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Any, pupil: Pupil) -> Pupil:
    """The sending school withdraws a transfer the receiving school has not accepted yet."""
    ensure_in_scope(actor, pupil)
    ensure_allowed(actor, "students.pupil.transfer", pupil)
    transfer = _pending_transfer_of(pupil)
    updated = (
        PupilTransfer.objects.system("withdrawing a transfer")
        .filter(pk=transfer.pk, state=TransferState.PENDING)
        .update(state=TransferState.CANCELLED, decided_by=actor, decided_on=timezone.localdate())
    )
    if updated != 1:
        raise Conflict()
    pupil.status = PupilStatus.ENROLLED
    pupil.save(update_fields=["status", "updated_at"])
    return pupil


def _move_guardians(pupil: Pupil, to_unit: Unit) -> None:
    """Guardian rows belong to one school: copy them to the receiving school (matched by mobile there)."""
    ties = list(
        Guardianship.objects.system("moving a transferred pupil's guardians")
        .filter(pupil=pupil)
        .select_related("guardian")
        .order_by("order")
    )
    entries = [GuardianInput(tie.guardian.name, tie.relation, tie.guardian.mobile) for tie in ties]
    pupil.unit = to_unit
    set_guardians(pupil=pupil, guardians=entries)


@transaction.atomic
def transfer_accept(
    *, actor: Any, transfer: PupilTransfer, to_class: SchoolClass, today: datetime.date | None = None
) -> Pupil:
    """The receiving school takes the pupil into a class; from then on only it can see the pupil."""
    ensure_in_scope(actor, transfer)
    ensure_allowed(actor, "students.pupiltransfer.accept", transfer)
    if to_class.unit_id != transfer.to_unit_id or not to_class.is_active:
        raise InvalidInput(_("请选择本校在用的班级。 Choose an active class of your school."))
    claimed = (
        PupilTransfer.objects.system("accepting a transfer")
        .filter(pk=transfer.pk, state=TransferState.PENDING)
        .update(state=TransferState.ACCEPTED, decided_by=actor, decided_on=today or timezone.localdate())
    )
    if claimed != 1:
        raise Conflict(_("该转学已被处理。 This transfer has been handled already."))
    today = today or timezone.localdate()
    pupil = (
        Pupil.objects.system("a pupil being received from another school").select_for_update().get(pk=transfer.pupil_id)
    )
    here = Pupil.objects.for_user(actor, "view").filter(unit=to_class.unit)
    if pupil.id_number_hash and here.filter(id_number_hash=pupil.id_number_hash).exists():
        raise Conflict(_("本校已有该身份证号的学生。 A pupil with this ID number is already on your roll."))
    if pupil.student_number and here.filter(student_number=pupil.student_number).exists():
        pupil.student_number = ""  # a school-local number; the receiving school assigns its own
    from_class_id = pupil.school_class_id
    _move_guardians(pupil, to_class.unit)
    pupil.school_class = to_class
    pupil.status = PupilStatus.ENROLLED
    pupil.save(update_fields=["unit", "school_class", "status", "student_number", "updated_at"])
    PupilMove.objects.create(
        pupil=pupil,
        from_unit_id=transfer.from_unit_id,
        to_unit_id=transfer.to_unit_id,
        from_class_id=from_class_id,
        to_class=to_class,
        kind=MoveKind.TRANSFER,
        on=today,
        by=actor,
    )
    ensure_in_scope(actor, pupil)
    return pupil
