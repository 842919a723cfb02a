import threading
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.errors import Conflict
from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.services import import_cancel, import_reap_stuck, import_run, import_submit
from xiaoan.core.tabular.testing import read_sheet, xlsx_upload
from xiaoan.core.workflow.models import TransitionLog
from xiaoan.orgs.imports import register_specs
from xiaoan.orgs.models import Unit, User
from xiaoan.orgs.testing import ScopedPageContract

HEADER = ["学校名称", "学校标识码", "上级单位代码", "学段", "在校学生数"]


@pytest.fixture(autouse=True)
def _specs():
    register_specs()


def queued_job(city, rows=None) -> ImportJob:
    """A job of county A that has not run (no on-commit callbacks are executed)."""
    rows = rows or [HEADER, ["新学校", "2141130290", "411302", "小学", 100]]
    return import_submit(actor=city.county_a_admin, unit=city.county_a, spec_name="schools", upload=xlsx_upload(rows))


def failed_job(city) -> ImportJob:
    job = queued_job(city, [HEADER, ["坏学校", "123", "411302", "小学", 100]])
    import_run(job_id=job.pk)
    job.refresh_from_db()
    return job


class TestImportJobPages(ScopedPageContract):
    url_name = "tabular:job_detail"
    write_url_name = "tabular:job_cancel"

    def make_object(self, city):
        return queued_job(city)


class TestImportProgressPartial(ScopedPageContract):
    url_name = "tabular:job_progress"

    def make_object(self, city):
        return queued_job(city)


def test_the_progress_partial_polls_every_second_while_the_job_is_queued_and_stops_when_it_is_done(city):
    job = queued_job(city)
    client = city.client_for("county_a_admin")
    queued = client.get(reverse("tabular:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in queued
    assert "<html" not in queued
    import_run(job_id=job.pk)
    done = client.get(reverse("tabular:job_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done
    assert 'data-state="succeeded"' in done


def test_the_error_workbook_is_downloaded_only_by_people_in_scope(city):
    job = failed_job(city)
    url = reverse("tabular:error_download", args=[job.pk])
    response = city.client_for("county_a_officer").get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_sheet(b"".join(response.streaming_content), "错误 Errors")
    assert rows[1][:2] == [2, "学校标识码"]
    assert city.client_for("county_b_officer").get(url).status_code == 404


def test_a_file_that_is_not_a_table_fails_with_a_clear_message(city):
    upload = SimpleUploadedFile("名册.xlsx", b"<html><body>not a workbook</body></html>")
    job = import_submit(actor=city.county_a_admin, unit=city.county_a, spec_name="schools", upload=upload)
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "表头" in job.message


def test_the_upload_page_queues_a_job_and_shows_it(city, django_capture_on_commit_callbacks):
    client = city.client_for("county_a_admin")
    rows = [HEADER, ["上传的学校", "2141130291", "411302", "初中", 300]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tabular:job_new", args=["schools"]), {"file": xlsx_upload(rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已完成" in page
    assert Unit.objects.filter(code="2141130291", parent=city.county_a).exists()


def test_the_upload_page_refuses_a_role_that_may_not_import_with_403(city):
    response = city.client_for("county_a_officer").get(reverse("tabular:job_new", args=["schools"]))
    assert response.status_code == 403


def test_the_template_has_the_declared_headers(city):
    response = city.client_for("county_a_admin").get(reverse("tabular:template", args=["schools"]))
    header = read_sheet(b"".join(response.streaming_content))[0]
    assert header[:3] == ["学校名称*", "学校标识码*", "上级单位代码*"]


def test_the_list_shows_jobs_in_scope_only(city):
    queued_job(city)
    assert 'data-testid="import-job"' in city.client_for("county_a_officer").get("/imports/").content.decode()
    assert 'data-testid="import-job"' not in city.client_for("county_b_officer").get("/imports/").content.decode()


def test_a_cancelled_job_never_starts(city):
    job = queued_job(city)
    import_cancel(actor=city.county_a_admin, job=job)
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED
    assert not Unit.objects.filter(code="2141130290").exists()


def test_another_officer_may_not_cancel_someone_elses_job(city):
    from xiaoan.core.errors import TransitionNotAllowed

    job = queued_job(city)
    with pytest.raises(TransitionNotAllowed):
        import_cancel(actor=city.county_a_officer, job=job)


def test_the_reaper_fails_jobs_stuck_running_and_leaves_recent_ones(city):
    stuck, recent = queued_job(city), queued_job(city)
    ImportJob.objects.filter(pk=stuck.pk).update(state="running", started_at=timezone.now() - timedelta(hours=3))
    ImportJob.objects.filter(pk=recent.pk).update(state="running", started_at=timezone.now())
    assert import_reap_stuck(older_than_minutes=60) == 1
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.state, recent.state) == (ImportJob.State.FAILED, ImportJob.State.RUNNING)
    assert "超时" in stuck.message


@pytest.mark.django_db(transaction=True)
def test_acceptance_ten_concurrent_cancels_give_one_success_nine_conflicts_and_one_log_row():
    from xiaoan.orgs.testing import build_city

    city = build_city()
    with patch("xiaoan.core.tabular.services.enqueue"):  # outside a test transaction it would run at once
        job = queued_job(city)
    outcomes: list[str] = []
    barrier = threading.Barrier(10)

    def attempt():
        try:
            actor = User.objects.get(pk=city.county_a_admin.pk)
            mine = ImportJob.objects.system("test").get(pk=job.pk)
            barrier.wait()
            import_cancel(actor=actor, job=mine)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 9 + ["ok"]
    logs = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(ImportJob), object_id=job.pk, transition="cancel"
    )
    assert logs.count() == 1
    assert ImportJob.objects.system("test").get(pk=job.pk).state == ImportJob.State.CANCELLED


def test_a_job_runs_in_the_capacity_the_uploader_acted_in_even_after_a_switch(city):
    from xiaoan.orgs.models import Membership
    from xiaoan.orgs.roles import Role
    from xiaoan.orgs.services import membership_switch

    admin = city.county_a_admin
    teacher_post = Membership.objects.system("test").create(user=admin, unit=city.school_a1, role=Role.STAFF)
    job = queued_job(city)
    membership_switch(user=admin, membership_id=teacher_post.pk)  # a teacher may not import schools
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED
    assert Unit.objects.filter(code="2141130290", parent=city.county_a).exists()


def test_a_job_fails_without_writing_when_the_uploaders_post_has_ended(city):
    from xiaoan.orgs.models import Membership

    job = queued_job(city)
    Membership.objects.system("test").filter(user=city.county_a_admin).update(is_active=False)
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "无权" in job.message
    assert not Unit.objects.filter(code="2141130290").exists()


def test_the_upload_page_lists_the_columns_and_links_the_template(city):
    response = city.client_for("county_a_admin").get(reverse("tabular:job_new", args=["schools"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "学校名称" in body
    assert reverse("tabular:template", args=["schools"]) in body


def test_the_uploader_finds_the_outcome_in_the_inbox(city, django_capture_on_commit_callbacks):
    from xiaoan.core.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        job = queued_job(city)
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED
    note = Notification.objects.get(recipient=city.county_a_admin)
    assert note.event == "tabular.import_succeeded"
    assert "新增 1 行" in note.body
    assert note.url == job.get_absolute_url()
