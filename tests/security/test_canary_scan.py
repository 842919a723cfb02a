"""Canary scan: marked ID numbers, mobile numbers and free text never appear where they must not.

Marker values go into a pupil's ID number (a valid-checksum fake), a guardian's mobile number, the phone of
an anonymous QR reporter, a hazard description and a letter body — through the same code paths users take
(the public report form is posted over HTTP; the pupil is read, revealed and exported through the pages).
Then the stored bytes are searched: the SQLite database file (with its WAL) or a plain ``pg_dump``, the
captured logs and output, and a backup. The encrypted fields must have zero plaintext hits anywhere; no
marker at all may reach the logs. The free-text markers, stored in clear on purpose, prove each scan reads
the right bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

ID_NUMBER_BIRTH = dt.date(2015, 9, 23)
MOBILE = "19934561287"
REPORTER_PHONE = "18834567219"
HAZARD_TEXT = "金丝雀隐患描述QZX7"
LETTER_TEXT = "金丝雀家长信正文QZX7"

pytestmark = pytest.mark.django_db(transaction=True)


def encodings(value: str) -> list[bytes]:
    return [value.encode("utf-8"), value.encode("utf-16-le")]


def hits(blob: bytes, value: str) -> bool:
    return any(encoded in blob for encoded in encodings(value))


@pytest.fixture
def seeded(city, caplog, capfd):
    """The markers, stored and then read back through the pages; logs captured from the first request."""
    from xiaoan.families.testing import draft_letter
    from xiaoan.hazards.views.public import new_nonce
    from xiaoan.students.models import SchoolClass
    from xiaoan.students.testing import make_class, make_pupil, valid_id_number

    from .targets import add_personas, report_token

    caplog.set_level(logging.DEBUG)
    add_personas(city)
    id_number = valid_id_number(ID_NUMBER_BIRTH, sequence=417)
    school_class = make_class(city.school_a1, teacher=city.teacher)
    pupil = make_pupil(
        SchoolClass.objects.system("canary").get(pk=school_class.pk),
        name="金丝雀同学",
        id_number=id_number,
        mobile=MOBILE,
    )
    token = report_token(city)["token"]
    response = Client().post(
        f"/hazards/r/{token}/",
        {"place": "操场东侧", "description": HAZARD_TEXT, "phone": REPORTER_PHONE, "nonce": new_nonce(token)},
    )
    assert response.status_code == 200
    draft_letter(city, body=LETTER_TEXT)
    principal = city.client_for("principal")
    for path in (f"/students/pupils/{pupil.pk}/", f"/students/classes/{school_class.pk}/export/", "/hazards/"):
        assert principal.get(path).status_code == 200
    assert principal.post(f"/students/pupils/{pupil.pk}/reveal/").status_code == 200
    return {"id_number": id_number, "mobile": MOBILE, "reporter_phone": REPORTER_PHONE}


def database_bytes() -> bytes:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        path = Path(settings_dict["NAME"])
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    from xiaoan.core.backup import pg_arguments, pg_program

    args, env = pg_arguments(settings_dict)
    done = subprocess.run([pg_program("pg_dump"), "--format=plain", *args], env=env, capture_output=True, check=True)
    return done.stdout


def test_the_database_holds_no_plaintext_id_or_phone_number(seeded):
    stored = database_bytes()
    assert hits(stored, HAZARD_TEXT) and hits(stored, LETTER_TEXT)  # the scan reads the real data
    leaked = [name for name, value in seeded.items() if hits(stored, value)]
    assert leaked == []


def test_the_logs_and_output_carry_no_marker(seeded, caplog, capfd):
    out, err = capfd.readouterr()
    logged = caplog.text + "\n".join(str(record.args) for record in caplog.records) + out + err
    leaked = [value for value in [*seeded.values(), HAZARD_TEXT, LETTER_TEXT] if value in logged]
    assert leaked == []


def test_a_backup_holds_no_plaintext_id_or_phone_number(seeded, tmp_path, settings):
    from xiaoan.core.backup import create_backup

    media = tmp_path / "media"
    media.mkdir()
    folder = create_backup(output_dir=tmp_path / "backups", media_root=media, as_tar=False).path
    files = [path for path in folder.rglob("*") if path.is_file()]
    blob = b"".join(path.read_bytes() for path in files)
    if connection.vendor == "sqlite":  # PostgreSQL backups are pg_dump's compressed custom format
        assert hits(blob, HAZARD_TEXT)
    leaked = [name for name, value in seeded.items() if hits(blob, value)]
    assert leaked == []


def media_bytes(root: Path) -> bytes:
    return b"".join(path.read_bytes() for path in root.rglob("*") if path.is_file())


def test_an_imported_roster_leaves_no_plaintext_copy_in_the_media_folder(city, tmp_path, settings):
    """The uploaded file is deleted as the job ends (decision 56); the rows live on only encrypted."""
    from xiaoan.students.models import Pupil
    from xiaoan.students.testing import import_roster, valid_id_number

    settings.MEDIA_ROOT = tmp_path / "media"
    id_number = valid_id_number(ID_NUMBER_BIRTH, sequence=418)
    roster = (
        "班级,姓名,性别,学号,身份证号,监护人1姓名,监护人1关系,监护人1手机号\n"
        f"三年级（1）班,金丝雀导入,男,Q001,{id_number},金丝雀家长,父亲,{MOBILE}\n"
    )
    job = import_roster(city, roster.encode("utf-8"))
    assert job.state == "succeeded", job.message
    assert Pupil.objects.system("canary").filter(name="金丝雀导入").exists()
    assert (tmp_path / "media").exists()  # the upload was stored there before the job ran
    stored = media_bytes(tmp_path / "media")
    assert not hits(stored, id_number) and not hits(stored, MOBILE)
