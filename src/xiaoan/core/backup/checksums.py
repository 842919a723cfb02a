"""Row counts and sha256 digests of every table and every file: what a backup's manifest records and a restore is
compared with."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

CHUNK = 1024 * 1024
FETCH = 2000


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
