"""HotQuery and prepared cursors: the same rows as the ORM, planned once per connection, one reconnect after a
database restart, and visible to Django's query log."""

import datetime as dt

import psycopg
import pytest
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext

from xiaoan.core.prepared import HotQuery, prepared_cursor
from xiaoan.orgs.models import Unit

pytestmark = pytest.mark.django_db

FIELDS = ("id", "name", "code", "kind", "parent__name", "path", "created_at")


def by_code(code):
    return Unit.objects.system("test").filter(code=code).values(*FIELDS)


UNIT_BY_CODE = HotQuery("unit by code", by_code)


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


def test_it_returns_what_the_orm_returns_with_the_fields_converted(city):
    for unit in (city.school_a1, city.county_a, city.root):
        expected = list(by_code(unit.code))
        assert UNIT_BY_CODE.rows(unit.code) == expected
        assert UNIT_BY_CODE.first(unit.code) == expected[0]
        assert isinstance(UNIT_BY_CODE.first(unit.code)["created_at"], dt.datetime)
    assert UNIT_BY_CODE.first("no such code") is None


def test_it_refuses_a_query_with_more_than_the_one_value():
    with pytest.raises(ValueError, match="exactly one parameter"):
        HotQuery("two values", lambda code: Unit.objects.filter(code=code, name="x").values("id")).rows("1")
    with pytest.raises(ValueError, match="values"):
        HotQuery("not values", lambda code: Unit.objects.filter(code=code)).rows("1")


def test_the_statement_shows_in_the_query_log_with_its_text(city):
    UNIT_BY_CODE.first(city.school_a1.code)
    with CaptureQueriesContext(connection) as captured:
        UNIT_BY_CODE.first(city.school_a1.code)
    assert len(captured) == 1 and '"orgs_unit"."code"' in captured[0]["sql"]


def test_postgresql_plans_it_once_per_connection_and_leaves_other_statements_unprepared(city):
    postgresql_only()
    for _ in range(8):
        UNIT_BY_CODE.first(city.school_a1.code)
        list(by_code(city.school_a1.code))  # the ORM's own statement: never prepared
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    ours = [(text, runs) for text, runs in prepared if '"orgs_unit"."code" = $1' in text]
    assert len(ours) == 1 and ours[0][1] >= 8
    assert not any(city.school_a1.code in text for text, _ in prepared)  # the ORM's, with its literal: unprepared


@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_while_idle_is_replaced_once_without_an_error_in_autocommit(city):
    postgresql_only()
    assert UNIT_BY_CODE.first(city.school_a1.code)["name"] == city.school_a1.name
    pid = connection.connection.info.backend_pid
    kill(pid)
    assert UNIT_BY_CODE.first(city.school_a1.code)["name"] == city.school_a1.name
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_lost_connection_is_an_error_not_a_silent_retry(city):
    postgresql_only()
    UNIT_BY_CODE.first(city.school_a1.code)
    with pytest.raises(OperationalError), transaction.atomic():
        kill(connection.connection.info.backend_pid)
        UNIT_BY_CODE.first(city.school_a1.code)
    connection.close()


def kill(pid):
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"], dbname=settings["NAME"],
        password=settings["PASSWORD"] or None, autocommit=True,
    ) as other:  # fmt: skip
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


def test_a_prepared_cursor_elsewhere_is_the_ordinary_cursor():
    with prepared_cursor() as cursor:
        cursor.execute("SELECT 1 + %s", [1])
        assert cursor.fetchone()[0] == 2
