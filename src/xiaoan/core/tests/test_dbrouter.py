"""The read-replica router: its decisions without a replica, then the same promises against a real streaming replica.

The second half runs when DATABASE_REPLICA_URL is set — `make test` runs the PostgreSQL stage under
``scripts/with_postgres.py --replica`` — and is skipped, with the reason, on SQLite or without a replica.
"""

from __future__ import annotations

import io
import logging
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django_q.models import OrmQ
from openpyxl import load_workbook

from xiaoan.config.settings import database_settings
from xiaoan.core import dbrouter
from xiaoan.core.audit.models import AuditEvent
from xiaoan.core.dbrouter import PRIMARY, REPLICA, ReplicaRouter, forget_writes, read_alias, replica_ready, use_replica

router = ReplicaRouter()
SQLITE = Path("/nonexistent/xiaoan.sqlite3")
PRIMARY_URL = "postgres://xiaoan:secret@db.internal:5432/xiaoan"
REPLICA_URL = "postgres://xiaoan:secret@replica.internal:5432/xiaoan"


@pytest.fixture(autouse=True)
def new_request():
    """Every test starts as a fresh request would: nothing written yet."""
    forget_writes()
    yield
    forget_writes()


@pytest.fixture
def replica_up(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_ready", lambda: True)


def next_request() -> None:
    """The signals around a request, without closing connections (as Django's test client does)."""
    for signal in (request_finished, request_started):
        signal.disconnect(close_old_connections)
        try:
            signal.send(sender=None)
        finally:
            signal.connect(close_old_connections)


# --- settings: the switch --------------------------------------------------------------------------------------


def test_without_a_replica_url_there_is_one_database():
    assert list(database_settings(PRIMARY_URL, "", "", SQLITE)) == ["default"]


def test_a_replica_url_adds_the_replica_alias_mirroring_the_primary_under_test():
    databases = database_settings(PRIMARY_URL, REPLICA_URL, "", SQLITE)
    assert sorted(databases) == ["default", "replica"]
    assert databases["replica"]["HOST"] == "replica.internal"
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert databases["replica"]["OPTIONS"]["connect_timeout"] == settings.REPLICA_CONNECT_TIMEOUT_SECONDS


def test_the_router_is_installed_exactly_when_the_replica_alias_exists():
    installed = settings.DATABASE_ROUTERS == ["xiaoan.core.dbrouter.ReplicaRouter"]
    assert installed == (REPLICA in settings.DATABASES)
    assert installed or settings.DATABASE_ROUTERS == []


def test_a_replica_url_beside_sqlite_is_ignored():
    assert list(database_settings("", REPLICA_URL, "", SQLITE)) == ["default"]


def test_a_replica_url_that_is_not_postgres_is_refused_with_a_clear_message():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL must be a postgres:// URL"):
        database_settings(PRIMARY_URL, "mysql://u@h/db", "", SQLITE)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL is not a database URL"):
        database_settings(PRIMARY_URL, "not a url", "", SQLITE)


def test_a_declared_pooler_turns_server_side_cursors_off_on_every_postgres_alias():
    databases = database_settings(PRIMARY_URL, REPLICA_URL, "pgbouncer", SQLITE)
    assert [db.get("DISABLE_SERVER_SIDE_CURSORS") for db in databases.values()] == [True, True]
    assert database_settings(PRIMARY_URL, "", "", SQLITE)["default"].get("DISABLE_SERVER_SIDE_CURSORS", False) is False


def test_an_unknown_pooler_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER"):
        database_settings(PRIMARY_URL, "", "pgpool", SQLITE)


# --- the router's decisions, without a replica ----------------------------------------------------------------


def test_reads_go_to_the_primary_unless_marked(replica_up):
    assert router.db_for_read(Group) == PRIMARY


def test_marked_reads_go_to_the_replica(replica_up):
    with use_replica():
        assert router.db_for_read(Group) == REPLICA
    assert router.db_for_read(Group) == PRIMARY


def test_use_replica_also_decorates_and_ends_with_the_function_even_when_it_raises(replica_up):
    @use_replica()
    def dashboard():
        return read_alias(Group)

    @use_replica()
    def failing():
        raise ValueError

    assert dashboard() == REPLICA
    with pytest.raises(ValueError):
        failing()
    assert read_alias(Group) == PRIMARY


def test_writes_always_go_to_the_primary(replica_up):
    with use_replica():
        assert router.db_for_write(Group) == PRIMARY


def test_after_a_write_the_request_reads_the_primary_until_the_next_request(replica_up):
    with use_replica():
        router.db_for_write(Group)
        assert router.db_for_read(Group) == PRIMARY
    next_request()
    with use_replica():
        assert router.db_for_read(Group) == REPLICA


def test_writing_an_audit_record_does_not_pin_the_request(replica_up):
    """An export logs who exported it, then reads its rows: those may still come from the replica."""
    with use_replica():
        router.db_for_write(AuditEvent)
        router.db_for_write(LogEntry)
        assert router.db_for_read(Group) == REPLICA


def test_sessions_cache_and_task_queue_are_always_read_on_the_primary(replica_up):
    cache_entry = DatabaseCache("xiaoan_cache", {}).cache_model_class
    with use_replica():
        assert [router.db_for_read(model) for model in (Session, cache_entry, OrmQ)] == [PRIMARY] * 3


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(replica_up):
    with transaction.atomic(), use_replica():
        assert connections[PRIMARY].in_atomic_block
        assert router.db_for_read(Group) == PRIMARY


def test_an_unreachable_replica_sends_marked_reads_to_the_primary(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_ready", lambda: False)
    with use_replica():
        assert router.db_for_read(Group) == PRIMARY


def test_a_replica_that_refuses_connections_is_skipped_for_a_while(monkeypatch, caplog, django_db_blocker):
    from django.db.backends.postgresql.base import DatabaseWrapper

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    configured = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": port, "NAME": "x"}}
    )
    unreachable = DatabaseWrapper(configured["default"], alias=REPLICA)
    monkeypatch.setattr(dbrouter, "connections", {PRIMARY: connections[PRIMARY], REPLICA: unreachable})
    monkeypatch.setattr(dbrouter, "_replica_down_until", 0.0)
    with django_db_blocker.unblock(), caplog.at_level(logging.WARNING, logger="xiaoan.core.dbrouter"):
        assert replica_ready() is False
        assert replica_ready() is False  # not retried at once
    assert len([r for r in caplog.records if "read replica unreachable" in r.getMessage()]) == 1
    assert dbrouter._replica_down_until > time.monotonic() + dbrouter.RETRY_SECONDS - 5


def test_migrations_run_only_on_the_primary():
    assert router.allow_migrate(PRIMARY, "orgs") is True
    assert router.allow_migrate(REPLICA, "orgs") is False


def test_objects_read_on_the_replica_may_be_linked_to_objects_of_the_primary():
    on_replica, on_primary, elsewhere = Group(), Group(), Group()
    on_replica._state.db, on_primary._state.db, elsewhere._state.db = REPLICA, PRIMARY, "other"
    assert router.allow_relation(on_replica, on_primary) is True
    assert router.allow_relation(on_replica, elsewhere) is None


# --- against a real streaming replica ---------------------------------------------------------------------------

HAVE_REPLICA = REPLICA in settings.DATABASES
WHY_SKIPPED = (
    "SQLite has no streaming replica"
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    else "no read replica configured: DATABASE_REPLICA_URL is unset (scripts/with_postgres.py --replica sets it)"
)
REPLAY_TIMEOUT_SECONDS = 10.0


def wait_for_replay() -> None:
    """Until the replica has replayed everything the primary has written so far (bounded)."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")  # the write position may lag behind commits
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + REPLAY_TIMEOUT_SECONDS
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"the replica did not replay up to {target} within {REPLAY_TIMEOUT_SECONDS}s")
            time.sleep(0.02)


def in_recovery(group: Group) -> bool:
    """``pg_is_in_recovery()`` on whichever connection the router picks for this read: true only on a replica."""
    rows = Group.objects.filter(pk=group.pk).annotate(standby=RawSQL("pg_is_in_recovery()", []))
    return rows.values_list("standby", flat=True).get()


def get_as_city_officer(city, path: str) -> tuple[Any, CaptureQueriesContext]:
    """The page as a city officer sees it once the fixtures are replayed, with the queries run on the replica."""
    client = city.client_for("city_officer")
    wait_for_replay()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(path)
    return response, on_replica


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"].lstrip().split(None, 1)[0].upper() for query in captured.captured_queries]


@pytest.mark.skipif(not HAVE_REPLICA, reason=WHY_SKIPPED)
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA] if HAVE_REPLICA else [PRIMARY])
class TestAgainstARealReplica:
    def test_a_row_written_on_the_primary_appears_on_the_replica(self):
        group = Group.objects.create(name="replicated")
        wait_for_replay()
        assert Group.objects.using(REPLICA).filter(pk=group.pk, name="replicated").exists()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True

    def test_a_marked_read_runs_on_the_replica_and_an_unmarked_one_on_the_primary(self):
        group = Group.objects.create(name="dashboard")
        wait_for_replay()
        forget_writes()  # the request that reads the dashboard is not the one that wrote
        with use_replica():
            assert in_recovery(group) is True
        assert in_recovery(group) is False

    def test_the_home_page_widgets_read_the_replica(self, city):
        response, on_replica = get_as_city_officer(city, "/")
        assert response.status_code == 200
        assert any("orgs_unit" in query["sql"] for query in on_replica.captured_queries)
        assert not {"INSERT", "UPDATE", "DELETE"} & set(statements(on_replica))

    def test_a_ledger_export_reads_its_rows_from_the_replica(self, city):
        response, on_replica = get_as_city_officer(city, "/orgs/units/export.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
        names = {row[0] for row in sheet.iter_rows(values_only=True)}
        assert {city.county_a.name, city.school_b1.name} <= names
        assert any("orgs_unit" in query["sql"] for query in on_replica.captured_queries)

    def test_a_read_after_a_write_in_the_same_request_goes_to_the_primary(self):
        next_request()
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, use_replica():
            group = Group.objects.create(name="just written")
            assert in_recovery(group) is False  # on a lagging replica this read would not even find the row
            assert Group.objects.filter(name="just written").count() == 1
        assert on_replica.captured_queries == []

    def test_writes_are_never_sent_to_the_replica(self):
        """The replica refuses writes; the router never offers it one, marked or not, pinned or not."""
        group = Group.objects.create(name="before")
        wait_for_replay()
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, use_replica():
            Group.objects.filter(pk=group.pk).update(name="renamed")
            Group.objects.get_or_create(name="second")
            Group.objects.bulk_create([Group(name="third")])
            Group.objects.filter(name="third").delete()
            forget_writes()  # even a request that has not written yet:
            group.name = "saved"
            group.save()
        assert not {"INSERT", "UPDATE", "DELETE"} & set(statements(on_replica))
        assert Group.objects.get(pk=group.pk).name == "saved"
        with pytest.raises(DatabaseError, match="read-only"), connections[REPLICA].cursor() as cursor:
            cursor.execute("INSERT INTO auth_group (name) VALUES ('refused')")
