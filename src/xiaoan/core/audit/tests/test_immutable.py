import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from xiaoan.core.audit.models import AppendOnlyError, AuditEvent, AuditKind
from xiaoan.core.audit.services import record
from xiaoan.core.audit.tasks import audit_maintenance, purge_expired_audit

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def event(db):
    return record(AuditKind.LOGIN_FAILED, username="zhangsan")


@pytest.fixture
def change(city):
    city.school_a1.phone = "0377-7654321"
    city.school_a1.save()
    return LogEntry.objects.filter(object_id=city.school_a1.pk).latest("pk")


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@postgresql_only
@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("audit_auditevent", "UPDATE audit_auditevent SET username = 'someone-else' WHERE id = %s"),
        ("audit_auditevent", "DELETE FROM audit_auditevent WHERE id = %s"),
    ],
)
def test_the_database_refuses_a_raw_update_or_delete_of_a_security_event(event, table, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(statement, [event.pk])
    assert AuditEvent.objects.system("test").get(pk=event.pk).username == "zhangsan"


@postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE auditlog_logentry SET changes_text = 'forged' WHERE id = %s",
        "DELETE FROM auditlog_logentry WHERE id = %s",
    ],
)
def test_the_database_refuses_a_raw_update_or_delete_of_a_data_change(change, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(statement, [change.pk])
    assert LogEntry.objects.filter(pk=change.pk).exists()


@postgresql_only
def test_a_queryset_update_outside_the_purge_is_refused_too(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.system("test").filter(pk=event.pk).update(created_at=timezone.now())


@postgresql_only
def test_the_purge_permission_ends_with_its_transaction(event):
    with audit_maintenance():
        AuditEvent.objects.system("test").filter(pk=event.pk).update(username="maintained")
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_the_retention_purge_still_deletes_expired_rows(city, settings):
    settings.XIAOAN_AUDIT_RETENTION_DAYS = 365
    old, recent = record(AuditKind.LOGIN, username="old"), record(AuditKind.LOGIN, username="recent")
    with audit_maintenance():
        AuditEvent.objects.system("test").filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    result = purge_expired_audit()
    assert result["events"] == 1
    assert list(AuditEvent.objects.system("test").values_list("username", flat=True)) == ["recent"]
    assert recent.pk


def test_the_models_refuse_to_change_or_delete_an_event_on_every_database(event):
    event.username = "someone-else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.system("test").get(pk=event.pk).username == "zhangsan"
