"""Writes of the import framework: submit a file, run it (the worker), cancel it, reap stuck runs."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import Conflict, DomainError, InvalidInput, OutOfScope
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, get_policy, unscoped
from xiaoan.core.tasks import enqueue

from .models import ImportJob
from .reader import TabularReadError, estimate_rows
from .spec import ImportSpec, get_spec
from .validation import Outcome, validate_file
from .workbooks import error_workbook, write_rows
from .workflow import IMPORT_WORKFLOW

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = {".xlsx", ".xls", ".ods", ".csv"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_STUCK_MINUTES = 60
ENDED_STATES = (ImportJob.State.SUCCEEDED, ImportJob.State.FAILED, ImportJob.State.CANCELLED)


def max_upload_bytes() -> int:
    return int(getattr(settings, "XIAOAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@transaction.atomic
def import_submit(*, actor: Any, unit: Any, spec_name: str, upload: UploadedFile) -> ImportJob:
    """Store the file and queue the job; the file is read by the worker, not in the request."""
    spec = get_spec(spec_name)
    if spec is None:
        raise InvalidInput(_("未知的导入类型。 Unknown import."))
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, spec.permission, unit)
    if upload.size is not None and upload.size > max_upload_bytes():
        raise InvalidInput(
            _("文件太大：最大 %(mb)d MB。 The file is too large (at most %(mb)d MB).")
            % {"mb": max_upload_bytes() // (1024 * 1024)}
        )
    original_name = os.path.basename(upload.name or "upload")[:255]
    suffix = os.path.splitext(original_name)[1].lower()
    job = ImportJob(
        spec_name=spec_name, unit=unit, actor=actor, original_name=original_name, acting_as=get_policy().capacity(actor)
    )
    # never the user's file name on disk
    job.upload.save(uuid.uuid4().hex + (suffix if suffix in UPLOAD_SUFFIXES else ".bin"), upload, save=False)
    job.full_clean()
    job.save()
    ensure_in_scope(actor, job)
    enqueue("xiaoan.core.tabular.tasks.run_import", job.pk, group="imports")
    return job


@transaction.atomic
def import_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    IMPORT_WORKFLOW.fire(job, "cancel", actor=actor, changes={"finished_at": timezone.now()})
    transaction.on_commit(lambda: discard_upload(job))
    return job


def import_run(*, job_id: int) -> ImportJob | None:
    """The worker: validate every row, then commit all rows in one transaction — or nothing."""
    with unscoped("the import worker runs outside any request"):
        job = ImportJob.objects.system("the import worker").select_related("unit", "actor").filter(pk=job_id).first()
        if job is None:
            return None
        try:
            IMPORT_WORKFLOW.fire(job, "start", actor=job.actor, system=True, changes={"started_at": timezone.now()})
        except Conflict:
            return job  # cancelled before it started, or another worker has it
        try:
            _run(job)
        except TabularReadError as exc:
            _finish_failed(job, message=exc.message)
        except DomainError as exc:
            _finish_failed(job, message=str(exc.message))
        except Exception:
            logger.exception("import job %s failed", job.pk)
            _finish_failed(
                job,
                message=_("导入时发生意外错误，未写入任何数据。 An unexpected error occurred; nothing was imported."),
            )
        discard_upload(job)
        return job


def discard_upload(job: ImportJob) -> None:
    """Delete the uploaded file of a job that has ended (decision 56).

    The file is a plain copy of what the school uploaded — for a roster, pupils' ID numbers and guardians' mobile
    numbers that the database holds only encrypted — and nothing reads it once the job has ended: the uploader
    keeps the original, the error workbook shows what to fix. The row's name is cleared first, so a crash in
    between leaves an orphan file for the sweep (xiaoan.core.filesweep), never a row pointing at nothing.
    """
    name = job.upload.name
    if not name:
        return
    ended = ImportJob.objects.system("discarding the upload of an ended job").filter(
        pk=job.pk, upload=name, state__in=ENDED_STATES
    )
    if ended.update(upload="") != 1:
        return
    storage = job.upload.storage
    job.upload.name = ""
    try:
        storage.delete(name)
    except OSError:  # the sweep deletes it later; the job itself is finished either way
        logger.warning("import job %s: could not delete its upload now; the file sweep will", job.pk)


def _run(job: ImportJob) -> None:
    spec_class = get_spec(job.spec_name)
    if spec_class is None:
        raise InvalidInput(_("未知的导入类型。 Unknown import."))
    # run in the capacity the uploader acted in, and check its reach again: the post may have ended
    get_policy().act_in(job.actor, job.acting_as)
    try:
        ensure_in_scope(job.actor, job)
        ensure_allowed(job.actor, spec_class.permission, job.unit)
    except (OutOfScope, DomainError):
        raise InvalidInput(
            _("上传人已无权向该单位导入，未写入任何数据。 The uploader may no longer import into this unit.")
        ) from None
    spec = spec_class(actor=job.actor, unit=job.unit)
    with job.upload.open("rb") as upload:
        _set_progress(job, total_rows=_count_rows(upload))
        outcome = validate_file(spec, upload, progress=lambda seen: _set_progress(job, processed_rows=seen))
        if not outcome.ok:
            _finish_with_errors(job, upload, outcome)
            return
    _commit(job, spec, outcome)


def _count_rows(upload: Any) -> int:
    """An estimate for the progress bar, corrected later (a cheap pass: it must not cost a second reading)."""
    return estimate_rows(upload)


def _set_progress(job: ImportJob, **fields: int) -> None:
    # a short write of its own, outside the big transaction, so the page can show it
    ImportJob.objects.system("progress of a running job").filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


def _finish_with_errors(job: ImportJob, upload: Any, outcome: Outcome) -> None:
    workbook = error_workbook(upload, outcome.errors, header_row=outcome.header_row)
    stem = os.path.splitext(job.original_name)[0]
    job.error_file.save(f"{uuid.uuid4().hex}.xlsx", File(workbook, name=f"{stem}-errors.xlsx"), save=False)
    workbook.close()
    IMPORT_WORKFLOW.fire(
        job,
        "fail",
        actor=job.actor,
        system=True,
        changes={
            "error_count": len(outcome.errors),
            "error_file": job.error_file.name,
            "processed_rows": outcome.seen,
            "total_rows": outcome.seen,
            "finished_at": timezone.now(),
            "message": _("发现 %(n)d 处错误，未写入任何数据。请下载错误报告，改正后重新上传。")
            % {"n": len(outcome.errors)},
        },
    )


def _commit(job: ImportJob, spec: ImportSpec, outcome: Outcome) -> None:
    with transaction.atomic():
        result = spec.apply(outcome.rows, actor=job.actor, unit=job.unit)
        changes: dict[str, Any] = {
            "created_count": result.created,
            "updated_count": result.updated,
            "unchanged_count": result.unchanged,
            "processed_rows": outcome.seen,
            "total_rows": outcome.seen,
            "finished_at": timezone.now(),
            "message": "",
        }
        if result.result_rows:
            workbook = write_rows(result.result_headers, result.result_rows, title="结果 Result")
            job.result_file.save(f"{uuid.uuid4().hex}.xlsx", File(workbook), save=False)
            workbook.close()
            changes["result_file"] = job.result_file.name
            changes["message"] = str(spec.result_note)
        IMPORT_WORKFLOW.fire(job, "succeed", actor=job.actor, system=True, changes=changes)


def _finish_failed(job: ImportJob, *, message: str) -> None:
    try:
        IMPORT_WORKFLOW.fire(
            job, "fail", actor=job.actor, system=True, changes={"message": message, "finished_at": timezone.now()}
        )
    except Conflict:
        logger.warning("import job %s already finished when it failed", job.pk)


def import_reap_stuck(*, older_than_minutes: int | None = None) -> int:
    """Mark jobs stuck in "running" (a worker that died) as failed; returns how many."""
    if older_than_minutes is None:  # 0 is a real threshold (every running job), not "use the default"
        older_than_minutes = int(getattr(settings, "XIAOAN_IMPORT_STUCK_MINUTES", DEFAULT_STUCK_MINUTES))
    minutes = older_than_minutes
    cutoff = timezone.now() - timedelta(minutes=minutes)
    stuck = ImportJob.objects.system("the stuck-job reaper").filter(
        state=ImportJob.State.RUNNING, started_at__lt=cutoff
    )
    reaped = 0
    for job in stuck:
        try:
            IMPORT_WORKFLOW.fire(
                job,
                "fail",
                actor=None,
                system=True,
                changes={
                    "message": _("处理超时，已中止，未写入任何数据。请重新上传。 Timed out; nothing was imported."),
                    "finished_at": timezone.now(),
                },
            )
            reaped += 1
        except Conflict:
            continue
        discard_upload(job)
    return reaped


def import_take_result(*, actor: Any, job: ImportJob) -> tuple[bytes, str]:
    """The result workbook (e.g. temporary passwords) for the uploader, once: it is deleted as it is handed over."""
    name = job.result_file.name
    if job.actor_id != actor.pk or not name:
        raise OutOfScope()
    taken = ImportJob.objects.system("hand-over of a one-time file").filter(pk=job.pk, result_file=name)
    if taken.update(result_file="") != 1:
        raise OutOfScope()
    storage = job.result_file.storage
    with storage.open(name, "rb") as fh:
        content = fh.read()
    storage.delete(name)
    stem = os.path.splitext(job.original_name)[0]
    return content, f"{stem}-result.xlsx"
