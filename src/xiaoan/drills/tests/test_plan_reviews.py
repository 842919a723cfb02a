import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xiaoan.compliance.models import ComplianceStatus, Status
from xiaoan.compliance.periods import MONTH, period_containing
from xiaoan.compliance.services import refresh
from xiaoan.core.notifications.models import Notification
from xiaoan.drills import services
from xiaoan.drills.models import EmergencyPlan, PlanKind
from xiaoan.drills.reminders import remind_plan_reviews
from xiaoan.drills.testing import make_plan, school_officer
from xiaoan.orgs.roles import Stage, UnitKind
from xiaoan.orgs.testing import make_unit

D = dt.date
TODAY = D(2026, 9, 15)
PLANS = "drills.plans_reviewed"
ago = lambda days: TODAY - dt.timedelta(days=days)  # noqa: E731


def row(unit, key="2026-09"):
    return ComplianceStatus.objects.system("test").filter(unit=unit, obligation=PLANS, period_key=key).first()


def test_a_school_misses_when_a_plan_outlived_its_review_cycle_and_is_due_soon_just_before(city):
    overdue = make_plan(city.school_a1, revised_on=ago(366))
    make_plan(city.school_a1, revised_on=ago(10), kind=PlanKind.EARTHQUAKE)
    make_plan(city.school_b1, revised_on=ago(360))
    fresh = make_plan(city.kindergarten_a2, revised_on=ago(300))
    refresh(PLANS, today=TODAY)
    a1 = row(city.school_a1)
    assert (a1.status, a1.count, a1.required) == (Status.MISSED, 1, 2)
    assert overdue.pk in a1.evidence
    assert row(city.school_b1).status == Status.DUE_SOON
    assert (row(city.kindergarten_a2).status, row(city.kindergarten_a2).evidence) == (Status.MET, [fresh.pk])


def test_a_school_without_a_plan_in_force_is_not_judged_and_a_draft_plan_does_not_count(city):
    make_plan(city.school_b1)
    refresh(PLANS, today=TODAY)
    assert row(city.school_b1) is None
    assert row(city.school_a1) is None


def test_the_review_cycle_is_the_rule_in_force_and_last_month_is_judged_on_its_last_day(city):
    make_plan(city.school_a1, revised_on=D(2025, 8, 20))  # past the cycle on 2026-08-21
    refresh(PLANS, period=period_containing(MONTH, D(2026, 8, 1)), today=TODAY)
    refresh(PLANS, period=period_containing(MONTH, D(2026, 7, 1)), today=TODAY)
    assert row(city.school_a1, "2026-08").status == Status.MISSED
    assert row(city.school_a1, "2026-07").status == Status.MET


def test_a_new_version_puts_the_school_back_in_order(city, django_capture_on_commit_callbacks):
    officer = school_officer(city)
    today = timezone.localdate()
    plan = make_plan(city.school_a1, revised_on=today - dt.timedelta(days=400))
    refresh(PLANS, today=today)
    key = period_containing(MONTH, today).key
    assert row(city.school_a1, key).status == Status.MISSED
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_revise(actor=officer, plan=plan, revised_on=today, approved_by="周校长", approved_on=today)
    assert row(city.school_a1, key).status == Status.MET


def test_the_officers_hear_once_per_plan_when_it_falls_due_and_again_only_after_a_new_version(city):
    officer = school_officer(city)
    stale = make_plan(city.school_a1, revised_on=ago(366))
    make_plan(city.school_a1, revised_on=ago(365), kind=PlanKind.FLOOD)
    make_plan(city.school_b1, revised_on=ago(500))
    assert remind_plan_reviews(today=TODAY) == 2
    assert remind_plan_reviews(today=TODAY + dt.timedelta(days=1)) == 1  # the flood plan fell due that day
    assert remind_plan_reviews(today=TODAY + dt.timedelta(days=2)) == 0
    inbox = Notification.objects.filter(recipient=officer, event="drills.plan_review_due")
    assert inbox.count() == 2
    assert "消防安全应急预案" in inbox.first().title
    assert EmergencyPlan.objects.system("test").get(pk=stale.pk).review_reminded_on == TODAY
    services.plan_revise(actor=officer, plan=stale, revised_on=ago(0), approved_by="周校长", approved_on=ago(0))
    assert EmergencyPlan.objects.system("test").get(pk=stale.pk).review_reminded_on is None


def test_the_daily_job_is_scheduled(db):
    from django_q.models import Schedule

    assert Schedule.objects.filter(name="drills.remind_plan_reviews", func="xiaoan.drills.tasks.remind_plan_reviews")


def _queries():
    refresh(PLANS, today=TODAY)  # the rule values are read once per process, not per refresh
    with CaptureQueriesContext(connection) as captured:
        refresh(PLANS, today=TODAY)
    return len(captured.captured_queries)


def test_judging_plans_takes_as_many_queries_for_many_schools_as_for_a_few(city):
    make_plan(city.school_a1, revised_on=ago(400))
    few = _queries()
    for n in range(60):
        school = make_unit(city.county_b, f"测试学校{n}", UnitKind.SCHOOL, f"{3200000000 + n}", stage=Stage.PRIMARY)
        make_plan(school, revised_on=ago(330 + n))  # past the cycle from n = 36, due soon for n = 29 … 35
    assert _queries() == few <= 8
    statuses = ComplianceStatus.objects.system("test").filter(obligation=PLANS)
    assert (statuses.count(), statuses.filter(status=Status.MISSED).count()) == (61, 25)
    assert statuses.filter(status=Status.DUE_SOON).count() == 7
