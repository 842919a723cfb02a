import datetime as dt

import pytest

from xiaoan.core.rules.services import rule_set
from xiaoan.inspections import services
from xiaoan.inspections.models import Frequency, InspectionState
from xiaoan.inspections.periods import period_of, recent_periods, semester_of
from xiaoan.inspections.selectors import DONE, DUE, MISSED, due_now, plan_statuses
from xiaoan.inspections.testing import fill, make_plan, make_template

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 18)  # a Wednesday in ISO week 12 of the spring semester


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (dt.date(2026, 2, 1), "2026-SP", dt.date(2026, 2, 1), dt.date(2026, 7, 31)),
        (dt.date(2026, 7, 31), "2026-SP", dt.date(2026, 2, 1), dt.date(2026, 7, 31)),
        (dt.date(2026, 8, 1), "2026-AU", dt.date(2026, 8, 1), dt.date(2027, 1, 31)),
        (dt.date(2027, 1, 31), "2026-AU", dt.date(2026, 8, 1), dt.date(2027, 1, 31)),
    ],
)
def test_semesters_run_from_february_and_from_august(day, key, start, end):
    semester = semester_of(day)
    assert (semester.key, semester.start, semester.end) == (key, start, end)


def test_the_semester_boundaries_are_rules_a_city_admin_can_move(city):
    next_year = dt.date.today().year + 1
    day = dt.date(next_year, 8, 15)
    assert semester_of(day).key == f"{next_year}-AU"
    rule_set(actor=city.city_admin, key="compliance.autumn_starts", raw_value="09-01",
             valid_from=dt.date.today())  # fmt: skip
    moved = semester_of(day)
    assert (moved.key, moved.end) == (f"{next_year}-SP", dt.date(next_year, 8, 31))


@pytest.mark.parametrize(
    ("frequency", "key", "start", "end"),
    [
        (Frequency.DAILY, "2026-03-18", dt.date(2026, 3, 18), dt.date(2026, 3, 18)),
        (Frequency.WEEKLY, "2026-W12", dt.date(2026, 3, 16), dt.date(2026, 3, 22)),
        (Frequency.MONTHLY, "2026-03", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        (Frequency.SEMESTER, "2026-SP", dt.date(2026, 2, 1), dt.date(2026, 7, 31)),
    ],
)
def test_each_frequency_has_its_period(frequency, key, start, end):
    period = period_of(frequency, TODAY)
    assert (period.key, period.start, period.end) == (key, start, end)


def test_recent_periods_stop_at_the_plans_start():
    keys = [p.key for p in recent_periods(Frequency.MONTHLY, TODAY, 6, since=dt.date(2026, 1, 10))]
    assert keys == ["2026-03", "2026-02", "2026-01"]


def _submit(actor, plan, day):
    inspection = services.inspection_start(actor=actor, school=plan.school, plan=plan, today=day)
    fill(actor, inspection)
    services.inspection_submit(actor=actor, inspection=inspection)
    return inspection


@pytest.mark.parametrize(
    ("frequency", "done_day", "expected"),
    [
        # the current period is due, one before it was done, the one before that missed
        (Frequency.DAILY, dt.date(2026, 3, 17), [DUE, DONE, MISSED]),
        (Frequency.WEEKLY, dt.date(2026, 3, 10), [DUE, DONE, MISSED]),
        (Frequency.MONTHLY, dt.date(2026, 2, 27), [DUE, DONE, MISSED]),
        (Frequency.SEMESTER, dt.date(2025, 12, 1), [DUE, DONE, MISSED]),
    ],
)
def test_due_done_and_missed_on_a_frozen_date(city, frequency, done_day, expected):
    plan = make_plan(city.school_a1, make_template(city.school_a1), frequency, starts_on=dt.date(2025, 1, 1))
    done = _submit(city.principal, plan, done_day)
    [status] = plan_statuses([plan], today=TODAY, periods=3)
    assert [occ.status for occ in status.occurrences] == expected
    assert status.occurrences[1].inspection_id == done.pk


def test_a_draft_does_not_count_as_done_and_the_current_period_becomes_done_on_submit(city):
    plan = make_plan(city.school_a1, make_template(city.school_a1), Frequency.WEEKLY, starts_on=dt.date(2026, 1, 1))
    draft = services.inspection_start(actor=city.principal, school=city.school_a1, plan=plan, today=TODAY)
    assert plan_statuses([plan], today=TODAY)[0].current.status == DUE
    fill(city.principal, draft)
    services.inspection_submit(actor=city.principal, inspection=draft)
    assert draft.state == InspectionState.SUBMITTED
    assert plan_statuses([plan], today=TODAY)[0].current.status == DONE


def test_due_now_lists_plans_of_my_post_or_me_and_not_those_of_others(city):
    template = make_template(city.school_a1)
    mine = make_plan(city.school_a1, template, Frequency.DAILY, assignee_role="staff")
    personal = make_plan(city.school_a1, template, Frequency.WEEKLY, assignee_role="", assignee=city.teacher)
    make_plan(city.school_a1, template, Frequency.DAILY, assignee_role="guard")
    make_plan(city.school_b1, template, Frequency.DAILY, assignee_role="staff")
    assert {status.plan for status in due_now(city.teacher, today=TODAY)} == {mine, personal}
