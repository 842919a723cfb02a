import datetime

import pytest
from django.db import connection

from xiaoan.core.errors import Conflict, DomainError, PermissionDenied
from xiaoan.students import services
from xiaoan.students.models import Guardian, MoveKind, Pupil, PupilStatus, SchoolClass
from xiaoan.students.services import GuardianInput
from xiaoan.students.testing import make_class, make_pupil, valid_id_number

TODAY = datetime.date(2026, 7, 10)


def test_acceptance_the_raw_database_row_holds_no_plaintext_id_or_mobile_number(roster):
    own, _other = roster
    id_number = valid_id_number()
    pupil = make_pupil(own, id_number=id_number, mobile="13812341234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_hash FROM students_pupil WHERE id = %s", [pupil.pk])
        stored_id, stored_hash = cursor.fetchone()
        cursor.execute("SELECT mobile, mobile_hash FROM students_guardian")
        stored_mobile, mobile_hash = cursor.fetchone()
    for stored, plain in ((stored_id, id_number), (stored_hash, id_number), (stored_mobile, "13812341234")):
        assert plain not in stored
        assert plain[-8:] not in stored
    assert "1234" not in mobile_hash or mobile_hash != "13812341234"
    assert Pupil.objects.system("test").get(pk=pupil.pk).id_number == id_number


def test_a_teacher_enrols_a_pupil_in_their_own_class_but_not_in_another(city, roster):
    own, other = roster
    pupil = services.pupil_create(
        actor=city.teacher,
        school_class=own,
        name="李晓红",
        gender="F",
        id_number=valid_id_number(),
        guardians=[GuardianInput("王芳", "mother", "13912345678")],
        today=TODAY,
    )
    assert pupil.moves.get().kind == MoveKind.ENROLMENT
    with pytest.raises(PermissionDenied):
        services.pupil_create(actor=city.teacher, school_class=other, name="王小虎", gender="M", today=TODAY)


def test_siblings_share_the_guardian_with_the_same_mobile_and_orphans_are_removed(city, roster):
    own, other = roster
    first = services.pupil_create(
        actor=city.principal,
        school_class=own,
        name="张小明",
        gender="M",
        guardians=[GuardianInput("张建国", "father", "13812341234")],
        today=TODAY,
    )
    second = services.pupil_create(
        actor=city.principal,
        school_class=other,
        name="张小红",
        gender="F",
        guardians=[GuardianInput("张建国", "father", "13812341234")],
        today=TODAY,
    )
    guardians = Guardian.objects.system("test").filter(unit=city.school_a1)
    assert guardians.count() == 1
    services.pupil_update(actor=city.principal, pupil=first, guardians=[GuardianInput("李梅", "mother", "13700001111")])
    services.pupil_update(
        actor=city.principal, pupil=second, guardians=[GuardianInput("李梅", "mother", "13700001111")]
    )
    assert list(guardians.values_list("name", flat=True)) == ["李梅"]


def test_a_second_pupil_with_the_same_id_number_is_a_conflict(city, roster):
    own, _other = roster
    id_number = valid_id_number()
    make_pupil(own, id_number=id_number)
    with pytest.raises(Conflict):
        services.pupil_create(actor=city.principal, school_class=own, name="重复", gender="M", id_number=id_number)


def test_year_end_promotion_moves_classes_up_and_the_last_grade_graduates(city, roster):
    own, _other = roster
    sixth = make_class(city.school_a1, grade=6, number=1)
    climber = make_pupil(own, name="张小明")
    leaver = make_pupil(sixth, name="王大伟")
    result = services.school_promote(actor=city.principal, unit=city.school_a1, from_year=2025, today=TODAY)
    assert (result.classes, result.promoted, result.graduated) == (2, 1, 1)
    climber.refresh_from_db()
    assert climber.school_class.name == "四年级（1）班"
    assert climber.school_class.school_year == 2026
    assert climber.school_class.class_teacher == city.teacher
    leaver.refresh_from_db()
    assert (leaver.status, leaver.school_class, leaver.left_on) == (PupilStatus.GRADUATED, None, TODAY)
    assert climber.moves.get().kind == MoveKind.PROMOTION
    assert not SchoolClass.objects.system("test").get(pk=own.pk).is_active
    with pytest.raises(Conflict):
        services.school_promote(actor=city.principal, unit=city.school_a1, from_year=2025, today=TODAY)


def test_a_teacher_cannot_run_the_promotion(city, roster):
    with pytest.raises(DomainError):
        services.school_promote(actor=city.teacher, unit=city.school_a1, from_year=2025, today=TODAY)


def test_a_transfer_moves_the_pupil_with_guardians_and_history_to_the_receiving_school(city, roster):
    own, _other = roster
    pupil = make_pupil(own, name="张小明", mobile="13812341234")
    services.transfer_request(actor=city.principal, pupil=pupil, to_unit=city.school_b1, today=TODAY)
    pupil.refresh_from_db()
    assert pupil.status == PupilStatus.TRANSFERRING
    target = make_class(city.school_b1, grade=7, number=1)
    transfer = pupil.transfers.get()
    services.transfer_accept(actor=city.b1_admin, transfer=transfer, to_class=target, today=TODAY)
    pupil.refresh_from_db()
    assert (pupil.unit, pupil.school_class, pupil.status) == (city.school_b1, target, PupilStatus.ENROLLED)
    assert pupil.guardianships.get().guardian.unit == city.school_b1
    assert pupil.guardianships.get().guardian.mobile == "13812341234"
    assert not Guardian.objects.system("test").filter(unit=city.school_a1).exists()
    move = pupil.moves.get(kind=MoveKind.TRANSFER)
    assert (move.from_unit, move.to_unit, move.from_class) == (city.school_a1, city.school_b1, own)
    with pytest.raises(Conflict):
        services.transfer_accept(actor=city.b1_admin, transfer=transfer, to_class=target, today=TODAY)


def test_the_sending_school_can_withdraw_a_pending_transfer(city, roster):
    own, _other = roster
    pupil = make_pupil(own)
    services.transfer_request(actor=city.principal, pupil=pupil, to_unit=city.school_b1, today=TODAY)
    services.transfer_cancel(actor=city.principal, pupil=pupil)
    pupil.refresh_from_db()
    assert pupil.status == PupilStatus.ENROLLED
    assert pupil.transfers.get().state == "cancelled"


def test_leaving_school_keeps_the_pupil_out_of_the_class_with_a_history_line(city, roster):
    own, _other = roster
    pupil = make_pupil(own)
    services.pupil_leave(actor=city.principal, pupil=pupil, status=PupilStatus.LEFT, today=TODAY)
    pupil.refresh_from_db()
    assert (pupil.status, pupil.school_class, pupil.left_on) == (PupilStatus.LEFT, None, TODAY)
    assert pupil.moves.get().from_class == own


def test_rotate_data_keys_re_encrypts_rows_so_the_old_key_can_be_dropped(roster, settings):
    import base64

    from django.core.management import call_command

    from xiaoan.core import crypto

    own, _other = roster
    old, new = base64.b64encode(b"o" * 32).decode(), base64.b64encode(b"n" * 32).decode()
    settings.XIAOAN_DATA_KEYS = f"old:{old}"
    crypto.reset_keys()
    try:
        id_number = valid_id_number()
        pupil = make_pupil(own, id_number=id_number, mobile="13812341234")
        settings.XIAOAN_DATA_KEYS = f"new:{new},old:{old}"
        crypto.reset_keys()
        call_command("rotate_data_keys", stdout=__import__("io").StringIO())
        settings.XIAOAN_DATA_KEYS = f"new:{new}"
        crypto.reset_keys()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM students_pupil WHERE id = %s", [pupil.pk])
            assert cursor.fetchone()[0].startswith("new:")
        assert Pupil.objects.system("test").get(pk=pupil.pk).id_number == id_number
        assert Guardian.objects.system("test").get().mobile == "13812341234"
    finally:
        crypto.reset_keys()
