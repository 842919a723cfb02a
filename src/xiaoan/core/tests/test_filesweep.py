"""Files no one needs are deleted: an import's upload as the job ends, its error workbook after the retention, and
files that a rolled-back transaction left with no row naming them (decision 56)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.attachments import register_owner
from xiaoan.core.attachments.models import Attachment
from xiaoan.core.attachments.services import attachment_add
from xiaoan.core.attachments.tests import samples
from xiaoan.core.filesweep import GRACE, delete_orphans, folders, sweep_files
from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.services import import_cancel, import_reap_stuck, import_run, import_submit
from xiaoan.core.tabular.testing import xlsx_upload
from xiaoan.orgs.imports import register_specs
from xiaoan.orgs.models import Unit

HEADER = ["学校名称", "学校标识码", "上级单位代码", "学段", "在校学生数"]
GOOD = [HEADER, ["新学校", "2141130290", "411302", "小学", 100]]
BAD = [HEADER, ["坏学校", "123", "411302", "小学", 100]]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    register_specs()
    register_owner(Unit)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.XIAOAN_IMPORT_FILE_RETENTION_DAYS = 7


def on_disk(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def submit(city, rows) -> tuple[ImportJob, str]:
    job = import_submit(actor=city.county_a_admin, unit=city.county_a, spec_name="schools", upload=xlsx_upload(rows))
    assert on_disk(job.upload.name)
    return job, job.upload.name


def age(name: str, by: dt.timedelta) -> None:
    """Make a stored file look ``by`` older than it is."""
    path = Path(default_storage.path(name))
    stamp = path.stat().st_mtime - by.total_seconds()
    os.utime(path, (stamp, stamp))


class TestUploadsEndWithTheirJob:
    def test_a_successful_import_deletes_its_upload_and_forgets_its_name(self, city):
        job, name = submit(city, GOOD)
        import_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == ImportJob.State.SUCCEEDED
        assert job.upload.name == ""
        assert not on_disk(name)

    def test_a_failed_import_deletes_its_upload_and_keeps_the_error_workbook(self, city):
        job, name = submit(city, BAD)
        import_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == ImportJob.State.FAILED and job.error_count == 1
        assert not on_disk(name)
        assert on_disk(job.error_file.name)
        response = city.client_for("county_a_admin").get(reverse("tabular:error_download", args=[job.pk]))
        assert response.status_code == 200

    def test_a_cancelled_job_deletes_its_upload_once_the_cancellation_is_committed(
        self, city, django_capture_on_commit_callbacks
    ):
        job, name = submit(city, GOOD)
        with django_capture_on_commit_callbacks(execute=True):
            import_cancel(actor=city.county_a_admin, job=job)
        assert ImportJob.objects.system("test").get(pk=job.pk).upload.name == ""
        assert not on_disk(name)

    def test_a_reaped_job_deletes_its_upload(self, city):
        job, name = submit(city, GOOD)
        ImportJob.objects.system("test").filter(pk=job.pk).update(
            state=ImportJob.State.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2)
        )
        assert import_reap_stuck(older_than_minutes=60) == 1
        assert not on_disk(name)

    def test_a_queued_job_keeps_its_upload(self, city):
        job, name = submit(city, GOOD)
        sweep_files(now=timezone.now() + dt.timedelta(days=60))
        assert on_disk(name)
        assert ImportJob.objects.system("test").get(pk=job.pk).upload.name == name

    def test_the_sweep_deletes_an_upload_that_a_crash_left_after_the_job_ended(self, city):
        job, name = submit(city, GOOD)
        ImportJob.objects.system("test").filter(pk=job.pk).update(state=ImportJob.State.SUCCEEDED)
        report = sweep_files()
        assert report.leftover_uploads == 1
        assert not on_disk(name)
        assert ImportJob.objects.system("test").get(pk=job.pk).upload.name == ""


class TestErrorWorkbookRetention:
    def failed(self, city) -> ImportJob:
        job, _ = submit(city, BAD)
        import_run(job_id=job.pk)
        job.refresh_from_db()
        return job

    def test_it_is_kept_for_the_retention_and_deleted_after_it(self, city):
        job = self.failed(city)
        name = job.error_file.name
        assert sweep_files(now=job.finished_at + dt.timedelta(days=6, hours=23)).expired_error_files == 0
        assert on_disk(name)
        assert sweep_files(now=job.finished_at + dt.timedelta(days=7, minutes=1)).expired_error_files == 1
        assert not on_disk(name)
        job.refresh_from_db()
        assert job.error_file.name == "" and job.error_count == 1  # the counts stay

    def test_the_job_page_says_why_the_workbook_is_gone_and_its_link_is_404(self, city):
        job = self.failed(city)
        sweep_files(now=job.finished_at + dt.timedelta(days=8))
        client = city.client_for("county_a_admin")
        page = client.get(reverse("tabular:job_detail", args=[job.pk])).content.decode()
        assert 'data-testid="error-file-expired"' in page and "7 天后删除" in page
        assert 'data-testid="error-download"' not in page
        assert client.get(reverse("tabular:error_download", args=[job.pk])).status_code == 404

    def test_the_retention_is_a_setting(self, city, settings):
        settings.XIAOAN_IMPORT_FILE_RETENTION_DAYS = 30
        job = self.failed(city)
        assert sweep_files(now=job.finished_at + dt.timedelta(days=8)).expired_error_files == 0
        assert on_disk(job.error_file.name)


class TestOrphans:
    def attachment(self, city) -> Attachment:
        return attachment_add(
            actor=city.school_admin, owner=city.school_a1, upload=samples.upload("现场.jpg", samples.jpeg_with_gps())
        )

    def rolled_back_files(self, city) -> list[str]:
        """The files of an attachment whose transaction rolled back (a form error after the upload)."""
        names = []
        with pytest.raises(RuntimeError), transaction.atomic():
            attachment = self.attachment(city)
            names = [attachment.file.name, attachment.thumbnail.name]
            raise RuntimeError("a later step of the same form failed")
        assert not Attachment.objects.filter(file__in=names).exists()
        assert all(on_disk(name) for name in names)
        return names

    def test_files_of_a_rolled_back_transaction_are_deleted_once_older_than_the_grace(self, city):
        kept = self.attachment(city)
        orphans = self.rolled_back_files(city)
        for name in [*orphans, kept.file.name, kept.thumbnail.name]:
            age(name, GRACE + dt.timedelta(minutes=1))
        report = sweep_files()
        assert sum(report.orphans.values()) == 2
        assert not any(on_disk(name) for name in orphans)
        assert on_disk(kept.file.name) and on_disk(kept.thumbnail.name)

    def test_a_file_younger_than_the_grace_stays_its_transaction_may_still_be_open(self, city):
        orphans = self.rolled_back_files(city)
        assert sum(sweep_files().orphans.values()) == 0
        assert all(on_disk(name) for name in orphans)

    def test_a_row_committed_after_the_listing_saves_its_file(self, city, monkeypatch):
        kept = self.attachment(city)
        age(kept.file.name, GRACE * 2)
        folder = folders()[0]
        month = kept.file.name.rsplit("/", 1)[0] + "/"
        import xiaoan.core.filesweep as filesweep

        monkeypatch.setattr(filesweep, "_named_files", lambda *_: set())  # as if listed before the row existed
        assert delete_orphans(folder, month, older_than=timezone.now()) == 0
        assert on_disk(kept.file.name)

    def test_older_month_folders_are_swept_only_when_asked(self, city):
        old = default_storage.save("attachments/2024/03/0123456789abcdef.jpg", samples.upload("a.jpg", b"x"))
        age(old, dt.timedelta(days=600))
        assert sum(sweep_files().orphans.values()) == 0
        assert on_disk(old)
        assert sweep_files(all_months=True).orphans == {"attachments/2024/03/": 1}
        assert not on_disk(old)

    def test_import_folders_are_swept_too(self, city):
        _, name = submit(city, GOOD)
        stray = default_storage.save(name.rsplit("/", 1)[0] + "/stray.csv", samples.upload("s.csv", b"a,b\n"))
        age(stray, GRACE * 2)
        age(name, GRACE * 2)
        assert sum(sweep_files().orphans.values()) == 1
        assert not on_disk(stray)
        assert on_disk(name)  # the queued job still names it


def test_the_command_prints_the_counts(city, capsys):
    job, _ = submit(city, BAD)
    import_run(job_id=job.pk)
    ImportJob.objects.system("test").filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=9))
    call_command("sweep_files")
    out = capsys.readouterr().out
    assert "error workbooks past 7 days: 1" in out and "orphaned files: 0" in out


def test_the_daily_schedule_exists(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="core.sweep_files")
    assert schedule.func == "xiaoan.core.filesweep.sweep_files" and schedule.minutes == 24 * 60
