import datetime as dt

import pytest
from django.utils import timezone

from xiaoan.core.notifications.models import Notification
from xiaoan.hazards.deadlines import reminder_windows, scan_deadlines
from xiaoan.hazards.models import Hazard, Reminder, State
from xiaoan.hazards.tasks import scan_deadlines as scheduled_scan
from xiaoan.hazards.testing import hazard_in_state, safety_officer

pytestmark = pytest.mark.django_db


def inbox(user, event):
    return Notification.objects.filter(recipient=user, event=event)


def test_it_splits_the_reminder_days_into_windows_so_each_reminder_goes_once():
    assert reminder_windows([3, 1]) == [(3, 2, 3), (1, 0, 1)]
    assert reminder_windows([1, 3, 3]) == [(3, 2, 3), (1, 0, 1)]


def test_it_reminds_the_responsible_person_three_days_and_one_day_before_and_only_once(city):
    today = timezone.localdate()
    hazard = hazard_in_state(city, State.RECTIFYING, deadline=today + dt.timedelta(days=10))
    officer = safety_officer(city)
    assert scan_deadlines(today=today)["reminded"] == 0
    three_before = hazard.deadline - dt.timedelta(days=3)
    assert scan_deadlines(today=three_before)["reminded"] == 1
    assert scan_deadlines(today=three_before)["reminded"] == 0
    assert scan_deadlines(today=three_before + dt.timedelta(days=1))["reminded"] == 0
    assert scan_deadlines(today=hazard.deadline - dt.timedelta(days=1))["reminded"] == 1
    assert inbox(officer, "hazards.deadline_near").count() == 2
    assert set(Reminder.objects.values_list("days_before", flat=True)) == {3, 1}


def test_it_flags_a_hazard_overdue_once_and_tells_the_county(city):
    today = timezone.localdate()
    hazard = hazard_in_state(city, State.RECTIFYING, deadline=today + dt.timedelta(days=2))
    later = today + dt.timedelta(days=3)
    now = timezone.now() + dt.timedelta(days=3)
    assert scan_deadlines(today=later, now=now)["overdue"] == 1
    assert scan_deadlines(today=later, now=now)["overdue"] == 0
    hazard.refresh_from_db()
    assert hazard.overdue_since is not None and hazard.is_overdue_on(later)
    assert inbox(city.county_a_officer, "hazards.overdue").count() == 1
    assert not inbox(city.county_b_officer, "hazards.overdue").exists()


def test_it_leaves_hazards_alone_whose_rectification_is_done(city):
    today = timezone.localdate()
    hazard_in_state(city, State.ACCEPTANCE_REQUESTED, deadline=today + dt.timedelta(days=1))
    result = scan_deadlines(today=today + dt.timedelta(days=5))
    assert result == {"reminded": 0, "overdue": 0}
    assert not Hazard.objects.filter(overdue_since__isnull=False).exists()


def test_the_scheduled_job_scans_with_the_real_clock(city, monkeypatch):
    hazard = hazard_in_state(city, State.RECTIFYING)
    moved = timezone.now() + dt.timedelta(days=30)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    assert scheduled_scan()["overdue"] == 1
    assert Hazard.objects.get(pk=hazard.pk).overdue_since == moved


def test_the_deadline_scan_is_scheduled_by_a_migration():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="hazards.scan_deadlines")
    assert schedule.func == "xiaoan.hazards.tasks.scan_deadlines" and schedule.minutes == 15
