"""Backups: the database and the attachments in one archive, with a manifest of row counts and checksums.

SQLite is copied with the online backup API (consistent while the site runs); PostgreSQL with
``pg_dump --format=custom`` inside an exported snapshot, so the manifest's row counts and table checksums
describe exactly the rows in the dump. ``restore_backup`` verifies every checksum first, refuses a database
that already holds tables unless forced, restores the database and the files, then compares the result
with the manifest.

The package: ``checksums`` (row counts and table and file digests), ``databases`` (a private connection, pg_dump
and pg_restore), ``archive`` (creating and restoring the archive).
"""

from __future__ import annotations

from .archive import BackupResult, create_backup, opened_archive, read_manifest, restore_backup, verify_files
from .checksums import Comparison, TableFingerprint, file_digests, file_sha256, table_fingerprints
from .databases import BackupError, has_tables, pg_arguments, pg_program, standalone_connection, vendor_of

__all__ = [
    "BackupError",
    "BackupResult",
    "Comparison",
    "TableFingerprint",
    "create_backup",
    "file_digests",
    "file_sha256",
    "has_tables",
    "opened_archive",
    "pg_arguments",
    "pg_program",
    "read_manifest",
    "restore_backup",
    "standalone_connection",
    "table_fingerprints",
    "vendor_of",
    "verify_files",
]
