"""The daily file sweep: import files past their retention, and files no row points at (decision 56).

Two kinds of file stay on disk although nothing needs them:

- **Import files.** An error workbook repeats the rows that were wrong — for a roster, pupils' ID numbers and
  guardians' mobile numbers in plain text — and is needed only until the uploader has fixed the file. It is kept
  ``XIAOAN_IMPORT_FILE_RETENTION_DAYS`` days after the job ended (default 7), then deleted. The upload itself is
  deleted as the job ends (``xiaoan.core.tabular.services.discard_upload``); the sweep deletes any that a crash left.
- **Orphans.** A file is stored before its row is committed (Django saves a FileField's file first). When the
  transaction then rolls back — a form error after the upload, a worker killed mid-import — the row is gone and the
  file stays. The sweep lists the upload folders of the current and the previous month (files are filed by the
  month they were stored in, so a file can only be orphaned in a recent folder) and deletes every file no row names,
  once it is older than a grace period that no transaction lasts (24 hours). ``--all-months`` sweeps every month
  folder, for a first run or after a restore.

Every deletion is counted and logged by folder, never by file name (the names say nothing, but the counts are what
an operator needs).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

GRACE = dt.timedelta(hours=24)
DEFAULT_IMPORT_FILE_RETENTION_DAYS = 7


@dataclass(frozen=True)
class Folder:
    """Month folders ``<prefix>YYYY/MM/`` whose files are named by ``fields`` of ``model``."""

    prefix: str
    model: type[models.Model]
    fields: tuple[str, ...]

    def month(self, year: int, month: int) -> str:
        return f"{self.prefix}{year:04d}/{month:02d}/"


@dataclass
class SweepReport:
    expired_error_files: int = 0
    leftover_uploads: int = 0
    orphans: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "expired_error_files": self.expired_error_files,
            "leftover_uploads": self.leftover_uploads,
            "orphans": dict(self.orphans),
        }


def folders() -> list[Folder]:
    from xiaoan.core.attachments.models import Attachment
    from xiaoan.core.tabular.models import ImportJob

    job_files = ("upload", "error_file", "result_file")
    return [
        Folder("attachments/", Attachment, ("file", "thumbnail")),
        Folder("imports/", ImportJob, job_files),
        Folder("imports/errors/", ImportJob, job_files),
        Folder("imports/results/", ImportJob, job_files),
    ]


def retention_days() -> int:
    return max(1, int(getattr(settings, "XIAOAN_IMPORT_FILE_RETENTION_DAYS", DEFAULT_IMPORT_FILE_RETENTION_DAYS)))


def sweep_files(*, now: dt.datetime | None = None, all_months: bool = False) -> SweepReport:
    """The periodic job: expire import files, then delete orphans. Returns what was deleted."""
    now = now or timezone.now()
    report = SweepReport()
    report.expired_error_files = expire_error_files(now=now)
    report.leftover_uploads = discard_leftover_uploads()
    for folder in folders():
        for month in _months(folder, now=now, all_months=all_months):
            deleted = delete_orphans(folder, month, older_than=now - GRACE)
            if deleted:
                report.orphans[month] = deleted
    if report.expired_error_files or report.leftover_uploads or report.orphans:
        logger.info("file sweep: %s", report.as_dict())
    return report


def expire_error_files(*, now: dt.datetime) -> int:
    """Delete error workbooks of jobs that ended more than the retention ago; the job keeps its counts."""
    from xiaoan.core.tabular.models import ImportJob

    cutoff = now - dt.timedelta(days=retention_days())
    jobs = ImportJob.objects.system("import file retention").exclude(error_file="").filter(finished_at__lt=cutoff)
    deleted = 0
    for pk, name in jobs.values_list("pk", "error_file").iterator():
        # the row first: a crash after it leaves an orphan for the sweep, never a link to a missing file
        if ImportJob.objects.system("import file retention").filter(pk=pk, error_file=name).update(error_file=""):
            _delete(default_storage, name)
            deleted += 1
    return deleted


def discard_leftover_uploads() -> int:
    """Uploads of ended jobs that are still named (the worker died between the end and the deletion)."""
    from xiaoan.core.tabular.models import ImportJob
    from xiaoan.core.tabular.services import ENDED_STATES, discard_upload

    leftover = ImportJob.objects.system("import file retention").exclude(upload="").filter(state__in=ENDED_STATES)
    count = 0
    for job in leftover.only("pk", "upload", "state").iterator():
        discard_upload(job)
        count += 1
    return count


def delete_orphans(folder: Folder, month: str, *, older_than: dt.datetime, storage: Storage | None = None) -> int:
    """Delete the files in ``month`` (a folder path) that no row names and that were stored before ``older_than``."""
    storage = storage or default_storage
    try:
        _, names = storage.listdir(month)
    except FileNotFoundError:
        return 0
    if not names:
        return 0
    named = _named_files(folder, month)
    deleted = 0
    for name in names:
        path = month + name
        if path in named:
            continue
        try:
            stored_at = storage.get_modified_time(path)
        except FileNotFoundError:  # deleted meanwhile
            continue
        if stored_at >= older_than:
            continue  # may belong to a transaction still open
        # named by a row committed since the listing? (an upload of the last day is never older than the grace)
        if _is_named(folder, path):
            continue
        _delete(storage, path)
        deleted += 1
    return deleted


def _named_files(folder: Folder, month: str) -> set[str]:
    """The file names in ``month`` that rows of the folder's model hold (any of its file fields).

    The base manager: the sweep is no user and has no scope; it reads names only.
    """
    named: set[str] = set()
    for field_name in folder.fields:
        rows = folder.model._base_manager.filter(**{f"{field_name}__startswith": month})
        named.update(rows.values_list(field_name, flat=True).iterator())
    return named


def _is_named(folder: Folder, path: str) -> bool:
    query = models.Q()
    for field_name in folder.fields:
        query |= models.Q(**{field_name: path})
    return folder.model._base_manager.filter(query).exists()


def _months(folder: Folder, *, now: dt.datetime, all_months: bool) -> Iterator[str]:
    if not all_months:
        local = timezone.localtime(now)
        previous = (local.replace(day=1) - dt.timedelta(days=1)).date()
        yield folder.month(previous.year, previous.month)
        yield folder.month(local.year, local.month)
        return
    try:
        years, _ = default_storage.listdir(folder.prefix)
    except FileNotFoundError:
        return
    for year in sorted(y for y in years if y.isdigit() and len(y) == 4):
        months, _ = default_storage.listdir(f"{folder.prefix}{year}/")
        for month in sorted(m for m in months if m.isdigit() and len(m) == 2):
            yield folder.month(int(year), int(month))


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("file sweep: could not delete a file in %s; next run tries again", name.rsplit("/", 1)[0])
