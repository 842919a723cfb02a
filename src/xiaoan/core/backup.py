"""Backups: the database and the attachments in one archive, with a manifest of row counts and checksums.

SQLite is copied with the online backup API (consistent while the site runs); PostgreSQL with
``pg_dump --format=custom`` inside an exported snapshot, so the manifest's row counts and table checksums
describe exactly the rows in the dump. ``restore_backup`` verifies every checksum first, refuses a database
that already holds tables unless forced, restores the database and the files, then compares the result
with the manifest.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_DUMP_FILE = "database.dump"
MEDIA_DIR = "media"
CHUNK = 1024 * 1024
FETCH = 2000


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (Chinese first, then English)."""


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    sha256: str


@dataclass
class Comparison:
    """The restored database and files against the manifest."""

    tables: dict[str, tuple[TableFingerprint | None, TableFingerprint | None]] = field(default_factory=dict)
    files_expected: int = 0
    files_mismatched: list[str] = field(default_factory=list)

    @property
    def mismatched_tables(self) -> list[str]:
        return [name for name, (expected, actual) in self.tables.items() if expected != actual]

    @property
    def ok(self) -> bool:
        return not self.mismatched_tables and not self.files_mismatched

    def lines(self) -> list[str]:
        out = [f"{'table':<48} {'rows in backup':>14} {'rows restored':>14}  checksum"]
        for name, (expected, actual) in sorted(self.tables.items()):
            verdict = "ok" if expected == actual else "MISMATCH"
            before = expected.rows if expected else "-"
            after = actual.rows if actual else "-"
            out.append(f"{name:<48} {before!s:>14} {after!s:>14}  {verdict}")
        files_ok = self.files_expected - len(self.files_mismatched)
        out.append(f"files: {files_ok} of {self.files_expected} restored with the same sha256")
        out.extend(f"  file MISMATCH: {name}" for name in self.files_mismatched)
        return out


# --- checksums ----------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_digests(root: Path) -> dict[str, str]:
    """sha256 of every file below ``root``, by POSIX path relative to it."""
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = file_sha256(path)
    return found


def table_fingerprints(connection: BaseDatabaseWrapper) -> dict[str, TableFingerprint]:
    """Row count and a sha256 of every row (ordered by primary key) of every table."""
    quote = connection.ops.quote_name
    result = {}
    with connection.cursor() as cursor:
        tables = [info.name for info in connection.introspection.get_table_list(cursor) if info.type == "t"]
        for table in sorted(tables):
            columns = [col.name for col in connection.introspection.get_table_description(cursor, table)]
            primary_key = connection.introspection.get_primary_key_column(cursor, table)
            order = [primary_key] if primary_key else columns
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608 - introspected names
                f"ORDER BY {', '.join(quote(c) for c in order)}"
            )
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(FETCH):
                for row in batch:
                    digest.update(repr(tuple(_normalised(value) for value in row)).encode())
                    digest.update(b"\n")
                rows += len(batch)
            result[table] = TableFingerprint(rows, digest.hexdigest())
    return result


def _normalised(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


# --- database connections -----------------------------------------------------------------------


@contextmanager
def standalone_connection(settings_dict: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own to the database ``settings_dict`` describes (not one of Django's aliases)."""
    # registered under a temporary alias (parts of the backends look their connection up by alias), but not
    # among the configured databases: it is never handed out to anything else
    alias = f"xiaoan-backup-{uuid.uuid4().hex[:8]}"
    backend = load_backend(settings_dict["ENGINE"])
    connection = backend.DatabaseWrapper({**settings_dict, "CONN_MAX_AGE": 0}, alias=alias)
    connections[alias] = connection
    try:
        yield connection
    finally:
        connection.close()
        del connections[alias]


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"不支持的数据库：{engine}。 Unsupported database engine {engine}.")


def has_tables(settings_dict: dict[str, Any]) -> bool:
    if vendor_of(settings_dict) == "sqlite" and not Path(settings_dict["NAME"]).exists():
        return False
    with standalone_connection(settings_dict) as connection, connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


# --- PostgreSQL tools ---------------------------------------------------------------------------


def pg_program(name: str) -> str:
    """The newest ``/usr/lib/postgresql/N/bin/<name>`` (pg_dump must not be older than the server), else PATH."""
    configured = os.environ.get("XIAOAN_PG_BINDIR")
    if configured:
        return str(Path(configured) / name)

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端。 {name} not found: install the PostgreSQL client.")
    return found


def pg_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq connection options for pg_dump/pg_restore; the password goes in the environment, not argv."""
    args = ["--dbname", str(settings_dict["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} 失败 / failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        )


# --- backup -------------------------------------------------------------------------------------


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
        _run(
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
            _run(
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
