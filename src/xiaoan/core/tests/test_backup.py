import time
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xiaoan.core.attachments import register_owner
from xiaoan.core.attachments.services import attachment_add
from xiaoan.core.attachments.tests import samples
from xiaoan.core.backup import (
    BackupError,
    create_backup,
    file_digests,
    restore_backup,
    standalone_connection,
    table_fingerprints,
)
from xiaoan.orgs.models import Unit
from xiaoan.orgs.testing import build_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    register_owner(Unit)
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def city_with_photo(media):
    city = build_city()
    attachment_add(actor=city.school_admin, owner=city.school_a1, upload=samples.upload("门岗.png", samples.png()))
    return city


@pytest.fixture
def empty_database(tmp_path):
    """Settings of an empty database next to the test one: a new SQLite file, or a new PostgreSQL database."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"xiaoan_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fingerprints_of(settings_dict):
    with standalone_connection(settings_dict) as target:
        return table_fingerprints(target)


def test_it_restores_a_backup_into_an_empty_database_with_every_row_and_file_intact(
    city_with_photo, media, empty_database, tmp_path
):
    started = time.monotonic()
    result = create_backup(output_dir=tmp_path / "backups")
    backup_seconds = time.monotonic() - started
    source_tables = table_fingerprints(connection)
    source_files = file_digests(Path(media))
    assert result.path.suffix == ".tar"
    assert result.manifest["vendor"] == connection.vendor
    assert result.manifest["tables"]["orgs_unit"]["rows"] == Unit.objects.system("test").count() == 6
    assert any(name.startswith("attachments/") for name in source_files)
    assert len(source_files) >= 2  # the photo and its thumbnail

    restored_media = tmp_path / "restored-media"
    started = time.monotonic()
    comparison = restore_backup(result.path, settings_dict=empty_database, media_root=restored_media)
    restore_seconds = time.monotonic() - started

    assert comparison.ok, "\n".join(comparison.lines())
    restored_tables = fingerprints_of(empty_database)
    assert restored_tables == source_tables
    assert restored_tables["orgs_user"].rows > 10 and restored_tables["attachments_attachment"].rows == 1
    assert file_digests(restored_media) == source_files
    print(
        f"\n{connection.vendor}: backup {result.size_bytes / 1024:.0f} KiB in {backup_seconds:.2f} s, "
        f"restore in {restore_seconds:.2f} s, {len(source_tables)} tables"
    )


def test_the_table_checksum_notices_a_single_changed_value(city_with_photo, empty_database, tmp_path):
    archive = create_backup(output_dir=tmp_path, as_tar=False).path
    restore_backup(archive, settings_dict=empty_database, media_root=tmp_path / "restored")
    with standalone_connection(empty_database) as target, target.cursor() as cursor:
        cursor.execute("UPDATE orgs_unit SET name = 'X' || name WHERE id = %s", [city_with_photo.school_b1.pk])
        if not target.get_autocommit():
            target.commit()
    changed = fingerprints_of(empty_database)
    assert changed["orgs_unit"].rows == 6
    assert changed["orgs_unit"] != table_fingerprints(connection)["orgs_unit"]
    assert changed["orgs_user"] == table_fingerprints(connection)["orgs_user"]


def test_it_refuses_a_damaged_backup_before_touching_anything(city_with_photo, media, empty_database, tmp_path):
    folder = create_backup(output_dir=tmp_path, as_tar=False).path
    photo = next((folder / "media" / "attachments").rglob("*.png"))
    photo.write_bytes(photo.read_bytes() + b"tampered")
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(folder, settings_dict=empty_database, media_root=tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
    with standalone_connection(empty_database) as target, target.cursor() as cursor:
        assert target.introspection.table_names(cursor) == []


def test_it_refuses_to_overwrite_a_database_that_has_tables_unless_forced(city_with_photo, empty_database, tmp_path):
    folder = create_backup(output_dir=tmp_path, as_tar=False).path
    restore_backup(folder, settings_dict=empty_database, media_root=tmp_path / "once")
    with pytest.raises(BackupError, match="--force"):
        restore_backup(folder, settings_dict=empty_database, media_root=tmp_path / "twice")
    assert restore_backup(folder, settings_dict=empty_database, media_root=tmp_path / "twice", force=True).ok


def test_the_commands_write_an_archive_and_refuse_to_restore_over_the_live_database(city_with_photo, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path))
    archive = next(tmp_path.glob("xiaoan-backup-*.tar"))
    assert "attachment files" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))
    assert Unit.objects.system("test").count() == 6
