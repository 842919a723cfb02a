import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xiaoan.compliance.models import ComplianceStatus, Status
from xiaoan.compliance.periods import MONTH, period_containing
from xiaoan.compliance.reminders import send_due_soon_reminders
from xiaoan.compliance.services import refresh, refresh_all
from xiaoan.core.notifications.models import Notification
from xiaoan.core.rules.services import rule_set
from xiaoan.drills.testing import make_drill, make_held_drill, school_officer
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Unit
from xiaoan.orgs.roles import Stage, UnitKind

D = dt.date


def status_of(unit, obligation, key):
    return ComplianceStatus.objects.system("test").get(unit=unit, obligation=obligation, period_key=key)


def test_it_judges_a_primary_school_monthly_and_a_kindergarten_quarterly(city):
    make_held_drill(city.school_a1, D(2026, 1, 12))
    make_held_drill(city.kindergarten_a2, D(2026, 1, 12))
    refresh_all(today=D(2026, 2, 10))
    assert status_of(city.school_a1, "drills.monthly", "2026-01").status == Status.MET
    assert status_of(city.school_a1, "drills.monthly", "2026-02").status == Status.NOT_DUE
    assert status_of(city.kindergarten_a2, "drills.kindergarten_quarterly", "2026-Q1").status == Status.MET
    assert not ComplianceStatus.objects.system("test").filter(unit=city.kindergarten_a2, obligation="drills.monthly")
    assert status_of(city.school_b1, "drills.monthly", "2026-01").status == Status.MISSED


def test_it_crosses_month_and_quarter_boundaries_on_a_frozen_clock(city):
    make_held_drill(city.kindergarten_a2, D(2026, 3, 31))
    refresh_all(today=D(2026, 3, 31))
    assert status_of(city.kindergarten_a2, "drills.kindergarten_quarterly", "2026-Q1").status == Status.MET
    refresh_all(today=D(2026, 4, 1))
    assert status_of(city.kindergarten_a2, "drills.kindergarten_quarterly", "2026-Q2").status == Status.NOT_DUE
    assert status_of(city.school_a1, "drills.monthly", "2026-03").status == Status.MISSED


def test_it_marks_unmet_obligations_due_soon_and_planned_ones_scheduled(city):
    make_drill(city.school_b1, planned_on=D(2026, 4, 28))
    refresh_all(today=D(2026, 4, 25))
    assert status_of(city.school_a1, "drills.monthly", "2026-04").status == Status.DUE_SOON
    assert status_of(city.school_b1, "drills.monthly", "2026-04").status == Status.SCHEDULED


def test_it_judges_bus_drills_per_semester_across_the_january_boundary(city):
    Unit.objects.system("test").filter(pk=city.school_a1.pk).update(runs_buses=True)
    make_held_drill(city.school_a1, D(2025, 9, 10), kind="bus")
    refresh_all(today=D(2026, 1, 31))
    assert status_of(city.school_a1, "drills.bus_semester", "2025-AU").status == Status.MET
    refresh_all(today=D(2026, 2, 1))
    assert status_of(city.school_a1, "drills.bus_semester", "2026-SP").status == Status.NOT_DUE
    assert not ComplianceStatus.objects.system("test").filter(unit=city.school_b1, obligation="drills.bus_semester")


def test_it_keeps_the_evidence_records_of_a_met_obligation(city):
    first = make_held_drill(city.school_a1, D(2026, 5, 3))
    second = make_held_drill(city.school_a1, D(2026, 5, 20))
    refresh("drills.monthly", today=D(2026, 5, 21))
    row = status_of(city.school_a1, "drills.monthly", "2026-05")
    assert (row.count, row.required, row.evidence) == (2, 1, [first.pk, second.pk])


def test_a_setting_change_applies_only_to_periods_starting_after_its_date(city):
    now = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 0))
    with mock.patch("django.utils.timezone.now", return_value=now):
        rule_set(actor=city.city_admin, key="drills.per_month", raw_value="2", valid_from=D(2026, 6, 15))
    make_held_drill(city.school_a1, D(2026, 6, 20))
    make_held_drill(city.school_a1, D(2026, 7, 2))
    refresh("drills.monthly", period=period_containing(MONTH, D(2026, 6, 1)), today=D(2026, 7, 3))
    refresh("drills.monthly", today=D(2026, 7, 3))
    june, july = (
        status_of(city.school_a1, "drills.monthly", "2026-06"),
        status_of(city.school_a1, "drills.monthly", "2026-07"),
    )
    assert (june.required, june.status) == (1, Status.MET)
    assert (july.required, july.status) == (2, Status.NOT_DUE)


def test_boarding_schools_follow_their_own_monthly_count(city):
    Unit.objects.system("test").filter(pk=city.school_b1.pk).update(is_boarding=True, boarders=10)
    make_held_drill(city.school_b1, D(2026, 3, 5))
    refresh_all(today=D(2026, 4, 2))
    row = status_of(city.school_b1, "drills.monthly_boarding", "2026-03")
    assert (row.required, row.status) == (2, Status.MISSED)
    assert not ComplianceStatus.objects.system("test").filter(unit=city.school_b1, obligation="drills.monthly")


def test_it_reminds_the_safety_officers_once_per_obligation_and_period(city):
    officer = school_officer(city)
    refresh("drills.monthly", today=D(2026, 4, 26))
    assert send_due_soon_reminders(today=D(2026, 4, 26)) == 2
    assert send_due_soon_reminders(today=D(2026, 4, 27)) == 0
    messages = Notification.objects.filter(recipient=officer, event="compliance.due_soon")
    assert messages.count() == 1
    assert "每月应急疏散演练" in messages.get().title


def _bulk_schools(parent, count):
    schools = [
        Unit(parent=parent, depth=parent.depth + 1, kind=UnitKind.SCHOOL, name=f"测试学校{n}",
             code=f"{3000000000 + n}", stage=Stage.PRIMARY)
        for n in range(count)
    ]  # fmt: skip
    Unit.objects.bulk_create(schools, batch_size=500)
    segment = LPad(Cast("id", output_field=CharField()), PATH_SEGMENT_WIDTH, Value("0"))
    Unit.objects.system("test").filter(parent=parent, path="").update(
        path=Concat(Value(parent.path), segment, Value("/"))
    )


def _queries_to_refresh(today):
    with CaptureQueriesContext(connection) as captured:
        refresh("drills.monthly", today=today)
    return len(captured.captured_queries)


def test_refreshing_five_thousand_schools_takes_as_many_queries_as_refreshing_a_few(city):
    today = D(2026, 3, 20)
    refresh("drills.monthly", today=today)  # the rule values are read once per process, not per refresh
    few = _queries_to_refresh(today)
    _bulk_schools(city.county_a, 5000)
    make_held_drill(Unit.objects.system("test").get(code="3000000007"), D(2026, 3, 2))
    many = _queries_to_refresh(today)
    assert many == few <= 8
    assert ComplianceStatus.objects.system("test").filter(period_key="2026-03", status=Status.MET).count() == 1
    assert ComplianceStatus.objects.system("test").filter(period_key="2026-03").count() == 5002


@pytest.mark.parametrize("delta", [0, 1])
def test_a_school_that_stops_applying_loses_its_row_on_the_next_full_refresh(city, delta):
    refresh("drills.monthly", today=D(2026, 3, 20))
    Unit.objects.system("test").filter(pk=city.school_b1.pk).update(stage=Stage.KINDERGARTEN)
    refresh("drills.monthly", today=D(2026, 3, 20 + delta))
    assert not ComplianceStatus.objects.system("test").filter(unit=city.school_b1, obligation="drills.monthly")
