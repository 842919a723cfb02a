"""xiaoan sweep_files [--all-months]: expired import files and orphaned files, now (the daily job does the same)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xiaoan.core.filesweep import retention_days, sweep_files


class Command(BaseCommand):
    help = (
        "删除过期的导入文件和无记录引用的文件。 Delete import files past their retention and files that no record "
        "names (older than 24 hours)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-months",
            action="store_true",
            help="sweep every month folder, not only the current and the previous month (first run, after a restore)",
        )

    def handle(self, *args, **options):
        report = sweep_files(all_months=options["all_months"])
        orphans = sum(report.orphans.values())
        self.stdout.write(
            f"error workbooks past {retention_days()} days: {report.expired_error_files}; "
            f"uploads of ended jobs: {report.leftover_uploads}; orphaned files: {orphans}"
            + "".join(f"\n  {folder}: {count}" for folder, count in sorted(report.orphans.items()))
        )
