"""xiaoan restore ARCHIVE [--force]: verify the checksums, restore the database and the files, compare."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from xiaoan.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份恢复数据库和附件。 Restore the database and the attachments from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a .tar file or folder written by `xiaoan backup`")
        parser.add_argument("--force", action="store_true", help="overwrite a database that already holds tables")

    def handle(self, *args, **options):
        started = time.monotonic()
        connections.close_all()  # the restore writes the database through a connection of its own
        try:
            comparison = restore_backup(Path(options["archive"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for line in comparison.lines():
            self.stdout.write(line)
        if not comparison.ok:
            raise CommandError("恢复结果与备份清单不一致。 The restored data differ from the manifest (see above).")
        self.stdout.write(f"restored in {time.monotonic() - started:.1f} s: every table and file matches the backup")
