"""Creating a backup archive (database, files, manifest) and restoring one, verified against its manifest."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .checksums import Comparison, TableFingerprint, file_digests, file_sha256, table_fingerprints
from .databases import BackupError, has_tables, pg_arguments, pg_program, run_tool, standalone_connection, vendor_of

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_DUMP_FILE = "database.dump"
MEDIA_DIR = "media"


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    size_bytes: int


def create_backup(
    *, output_dir: Path, using: str = "default", media_root: Path | None = None, as_tar: bool = True
) -> BackupResult:
    """Write ``xiaoan-backup-<time>`` (a .tar, or a folder) into ``output_dir``."""
    settings_dict = connections[using].settings_dict
    vendor = vendor_of(settings_dict)
    media = Path(media_root or settings.MEDIA_ROOT)
    created = timezone.now()
    name = "xiaoan-backup-" + timezone.localtime(created).strftime("%Y%m%d-%H%M%S")
    output_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=name + "-", dir=output_dir)) if as_tar else output_dir / name
    folder.mkdir(exist_ok=True)
    try:
        if vendor == "sqlite":
            database_file, tables = _backup_sqlite(settings_dict, folder)
        else:
            database_file, tables = _backup_postgresql(settings_dict, folder)
        files = _copy_tree(media, folder / MEDIA_DIR)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "vendor": vendor,
            "database_file": database_file,
            "tables": {table: {"rows": fp.rows, "sha256": fp.sha256} for table, fp in tables.items()},
            "files": {database_file: file_sha256(folder / database_file)}
            | {f"{MEDIA_DIR}/{rel}": digest for rel, digest in files.items()},
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        if not as_tar:
            return BackupResult(folder, manifest, _size(folder))
        archive = output_dir / f"{name}.tar"
        with tarfile.open(archive, "w") as tar:
            for entry in sorted(folder.iterdir()):
                tar.add(entry, arcname=entry.name)
        return BackupResult(archive, manifest, archive.stat().st_size)
    finally:
        if as_tar:
            shutil.rmtree(folder, ignore_errors=True)


def _backup_sqlite(settings_dict: dict[str, Any], folder: Path) -> tuple[str, dict[str, TableFingerprint]]:
    target = folder / SQLITE_FILE
    source = sqlite3.connect(settings_dict["NAME"], timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    # counted on the copy: the numbers describe exactly what was saved, whatever the site wrote since
    with standalone_connection({**settings_dict, "NAME": str(target)}) as connection:
        return SQLITE_FILE, table_fingerprints(connection)


def _backup_postgresql(settings_dict: dict[str, Any], folder: Path) -> tuple[str, dict[str, TableFingerprint]]:
    args, env = pg_arguments(settings_dict)
    with standalone_connection(settings_dict) as connection:
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        # pg_dump reads the snapshot this transaction holds open, so the counts below match the dump
        run_tool(
            [
                pg_program("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--file",
                str(folder / PG_DUMP_FILE),
                *args,
            ],
            env,
        )
        tables = table_fingerprints(connection)
        connection.rollback()
    return PG_DUMP_FILE, tables


def _copy_tree(source: Path, target: Path) -> dict[str, str]:
    digests = {}
    target.mkdir(parents=True, exist_ok=True)
    for rel in file_digests(source):
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, destination)
        digests[rel] = file_sha256(destination)
    return digests


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


# --- restore ------------------------------------------------------------------------------------


@contextmanager
def opened_archive(archive: Path) -> Iterator[Path]:
    """The archive as a folder: itself, or a .tar unpacked (with the safe "data" filter) into a temporary one."""
    if archive.is_dir():
        yield archive
        return
    if not tarfile.is_tarfile(archive):
        raise BackupError(f"不是备份文件：{archive}。 Not a backup archive.")
    with tempfile.TemporaryDirectory(prefix="xiaoan-restore-") as tmp:
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"备份清单缺失或损坏。 The manifest is missing or damaged: {exc}") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("备份格式版本不受支持。 Unsupported backup format version.")
    return manifest


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is present with its sha256 — before anything is touched."""
    bad = [
        rel
        for rel, digest in manifest["files"].items()
        if not (folder / rel).is_file() or file_sha256(folder / rel) != digest
    ]
    if bad:
        raise BackupError(
            f"备份已损坏，{len(bad)} 个文件校验不符，未做任何恢复。 The backup is damaged "
            f"({len(bad)} files fail their checksum, e.g. {bad[0]}); nothing was restored."
        )


def restore_backup(
    archive: Path,
    *,
    settings_dict: dict[str, Any] | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> Comparison:
    """Restore the database and files of ``archive``; returns the comparison with the manifest."""
    target = dict(settings_dict or connections["default"].settings_dict)
    vendor = vendor_of(target)
    media = Path(media_root or settings.MEDIA_ROOT)
    with opened_archive(archive) as folder:
        manifest = read_manifest(folder)
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"备份来自 {manifest['vendor']}，不能恢复到 {vendor}。 "
                f"A {manifest['vendor']} backup cannot be restored into {vendor}."
            )
        verify_files(folder, manifest)
        if not force and has_tables(target):
            raise BackupError(
                "目标数据库不是空的；确认要覆盖请加 --force。 The database is not empty; add --force to overwrite it."
            )
        if vendor == "sqlite":
            _restore_sqlite(folder / manifest["database_file"], target)
        else:
            args, env = pg_arguments(target)
            run_tool(
                [pg_program("pg_restore"), "--clean", "--if-exists", "--no-owner", *args, str(folder / PG_DUMP_FILE)],
                env,
            )
        media_files = {
            rel[len(MEDIA_DIR) + 1 :]: digest
            for rel, digest in manifest["files"].items()
            if rel.startswith(MEDIA_DIR + "/")
        }
        restored = _copy_tree(folder / MEDIA_DIR, media)
    with standalone_connection(target) as connection:
        actual = table_fingerprints(connection)
    expected = {table: TableFingerprint(v["rows"], v["sha256"]) for table, v in manifest["tables"].items()}
    comparison = Comparison(files_expected=len(media_files))
    for table in sorted(set(expected) | set(actual)):
        comparison.tables[table] = (expected.get(table), actual.get(table))
    comparison.files_mismatched = [rel for rel, digest in media_files.items() if restored.get(rel) != digest]
    return comparison


def _restore_sqlite(source_file: Path, target: dict[str, Any]) -> None:
    # the backup API writes every page of the target, so a stale -wal file next to it cannot resurrect old rows
    Path(target["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_file)
    destination = sqlite3.connect(target["NAME"], timeout=60)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
