"""xiaoan backup [--output DIR] [--folder]: the database and the attachments in one archive with a manifest."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xiaoan.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和附件。 Back up the database and the attachments into one archive (.tar with a manifest)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None, help="folder for the archive (default: <var>/backups)")
        parser.add_argument("--folder", action="store_true", help="write a folder instead of a .tar file")

    def handle(self, *args, **options):
        output = Path(options["output"] or Path(settings.VAR_DIR) / "backups")
        started = time.monotonic()
        try:
            result = create_backup(output_dir=output, as_tar=not options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = result.manifest["tables"]
        rows = sum(table["rows"] for table in tables.values())
        files = len(result.manifest["files"]) - 1
        self.stdout.write(
            f"{result.path}\n{result.manifest['vendor']}: {len(tables)} tables, {rows} rows, {files} attachment files; "
            f"{result.size_bytes / 1e6:.1f} MB in {time.monotonic() - started:.1f} s"
        )
