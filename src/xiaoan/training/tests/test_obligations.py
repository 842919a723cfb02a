import datetime as dt

from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xiaoan.compliance.models import ComplianceStatus, Status
from xiaoan.compliance.periods import MONTH, period_containing
from xiaoan.compliance.services import refresh
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Membership, Unit
from xiaoan.orgs.roles import Role, Stage, UnitKind
from xiaoan.orgs.testing import make_person
from xiaoan.training.models import StaffCategory
from xiaoan.training.services import Attendee, attendees_add
from xiaoan.training.testing import attend, make_session

D = dt.date
TODAY = D(2026, 5, 10)
CERTIFICATES, PRINCIPALS = "training.certificates_current", "training.new_principal_trained"


def row(unit, obligation, key="2026-05"):
    return ComplianceStatus.objects.system("test").filter(unit=unit, obligation=obligation, period_key=key).first()


def certificate(unit, name, expiry, *, on=D(2025, 6, 1), category=StaffCategory.FOOD_SERVICE):
    session = make_session(unit, category=category, date=on, title="食品安全培训")
    return attend(session, name, id_number=name, certificate_no=f"JK-{name}", certificate_expiry=expiry)


def appoint(user, day):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    Membership.objects.system("test").filter(user=user, role=Role.LEADER).update(created_at=at)


def test_a_school_with_an_expired_certificate_misses_and_one_expiring_soon_is_due_soon(city):
    expired = certificate(city.school_a1, "赵厨师", TODAY - dt.timedelta(days=1))
    certificate(city.school_b1, "钱厨师", TODAY + dt.timedelta(days=20))
    valid = certificate(city.kindergarten_a2, "孙厨师", TODAY + dt.timedelta(days=300))
    refresh(CERTIFICATES, today=TODAY)
    a1, b1, a2 = (
        row(city.school_a1, CERTIFICATES),
        row(city.school_b1, CERTIFICATES),
        row(city.kindergarten_a2, CERTIFICATES),
    )
    assert (a1.status, a1.count, a1.required, a1.evidence) == (Status.MISSED, 0, 1, [expired.pk])
    assert b1.status == Status.DUE_SOON
    assert (a2.status, a2.evidence) == (Status.MET, [valid.pk])


def test_a_renewal_puts_the_school_back_in_order_and_a_school_without_certificates_is_not_judged(city):
    certificate(city.school_a1, "赵厨师", TODAY - dt.timedelta(days=1))
    renewal = certificate(city.school_a1, "赵厨师", TODAY + dt.timedelta(days=700), on=TODAY - dt.timedelta(days=2))
    refresh(CERTIFICATES, today=TODAY)
    assert (row(city.school_a1, CERTIFICATES).status, row(city.school_a1, CERTIFICATES).evidence) == (
        Status.MET,
        [renewal.pk],
    )
    assert row(city.school_b1, CERTIFICATES) is None


def test_the_certificate_window_is_the_training_rule_and_a_certificate_of_another_category_is_no_renewal(city):
    certificate(city.school_a1, "赵厨师", TODAY + dt.timedelta(days=31))
    certificate(city.school_b1, "钱师傅", TODAY - dt.timedelta(days=5))
    certificate(city.school_b1, "钱师傅", TODAY + dt.timedelta(days=700), category=StaffCategory.BUS_STAFF)
    refresh(CERTIFICATES, today=TODAY)
    assert row(city.school_a1, CERTIFICATES).status == Status.MET  # 31 days away: outside the 30-day window
    assert row(city.school_b1, CERTIFICATES).status == Status.MISSED


def test_last_month_is_judged_on_its_last_day_and_a_certificate_due_soon_then_counts_as_in_order(city):
    certificate(city.school_a1, "赵厨师", D(2026, 4, 20))
    certificate(city.school_b1, "钱厨师", D(2026, 5, 3))
    april = period_containing(MONTH, D(2026, 4, 1))
    refresh(CERTIFICATES, period=april, today=TODAY)
    assert row(city.school_a1, CERTIFICATES, "2026-04").status == Status.MISSED
    assert row(city.school_b1, CERTIFICATES, "2026-04").status == Status.MET
    refresh(CERTIFICATES, today=TODAY)
    assert row(city.school_b1, CERTIFICATES).status == Status.MISSED


def test_a_new_principal_is_not_yet_due_then_due_soon_then_missed_until_trained(city):
    appointed = D(2026, 1, 5)
    appoint(city.principal, appointed)
    refresh(PRINCIPALS, today=D(2026, 2, 4))
    assert (row(city.school_a1, PRINCIPALS, "2026-02").status, row(city.school_a1, PRINCIPALS, "2026-02").required) == (
        Status.NOT_DUE,
        1,
    )
    refresh(PRINCIPALS, today=D(2026, 12, 31))  # deadline 2027-01-05: within the seven-day window
    assert row(city.school_a1, PRINCIPALS, "2026-12").status == Status.DUE_SOON
    refresh(PRINCIPALS, today=D(2027, 1, 6))
    assert row(city.school_a1, PRINCIPALS, "2027-01").status == Status.MISSED
    session = make_session(city.county_a, category=StaffCategory.NEW_PRINCIPAL, date=D(2027, 1, 6), title="任职培训")
    attend(session, "校长", user=city.principal)
    refresh(PRINCIPALS, today=D(2027, 1, 7))
    done = row(city.school_a1, PRINCIPALS, "2027-01")
    assert (done.status, done.count, done.evidence) == (Status.MET, 1, [session.pk])
    assert row(city.school_b1, PRINCIPALS, "2027-01") is None


def test_a_principal_trained_in_the_first_year_stops_counting_when_it_ends(city):
    appoint(city.principal, D(2025, 1, 5))
    session = make_session(city.county_a, category=StaffCategory.NEW_PRINCIPAL, date=D(2025, 3, 1), title="任职培训")
    attend(session, "校长", user=city.principal)
    refresh(PRINCIPALS, today=D(2025, 12, 20))
    assert row(city.school_a1, PRINCIPALS, "2025-12").status == Status.MET
    refresh(PRINCIPALS, today=D(2026, 1, 10))  # the first year ended on 2026-01-05
    assert row(city.school_a1, PRINCIPALS, "2026-01") is None


def test_a_second_untrained_leader_keeps_the_school_from_being_met(city):
    appoint(city.principal, D(2026, 3, 1))
    deputy = make_person("deputy", city.school_a1, Role.LEADER)
    appoint(deputy, D(2026, 4, 1))
    session = make_session(city.county_a, category=StaffCategory.NEW_PRINCIPAL, date=D(2026, 4, 20), title="任职培训")
    attend(session, "校长", user=city.principal)
    refresh(PRINCIPALS, today=TODAY)
    judged = row(city.school_a1, PRINCIPALS)
    assert (judged.status, judged.count, judged.required) == (Status.NOT_DUE, 1, 2)


def test_recording_a_certificate_refreshes_the_schools_standing(city, django_capture_on_commit_callbacks):
    session = make_session(city.school_a1, category=StaffCategory.FOOD_SERVICE, date=timezone.localdate())
    expired = Attendee(
        name="赵厨师", certificate_no="JK1", certificate_expiry=timezone.localdate() - dt.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        attendees_add(actor=city.principal, session=session, people=[expired])
    key = period_containing(MONTH, timezone.localdate()).key
    assert row(city.school_a1, CERTIFICATES, key).status == Status.MISSED


def _bulk_schools(parent, count):
    schools = [
        Unit(parent=parent, depth=parent.depth + 1, kind=UnitKind.SCHOOL, name=f"测试学校{n}",
             code=f"{3100000000 + n}", stage=Stage.PRIMARY)
        for n in range(count)
    ]  # fmt: skip
    Unit.objects.bulk_create(schools, batch_size=500)
    segment = LPad(Cast("id", output_field=CharField()), PATH_SEGMENT_WIDTH, Value("0"))
    Unit.objects.system("test").filter(parent=parent, path="").update(
        path=Concat(Value(parent.path), segment, Value("/"))
    )


def _queries(obligation):
    refresh(obligation, today=TODAY)  # the rule values are read once per process, not per refresh
    with CaptureQueriesContext(connection) as captured:
        refresh(obligation, today=TODAY)
    return len(captured.captured_queries)


def test_both_snapshots_take_as_many_queries_for_five_thousand_schools_as_for_a_few(city):
    appoint(city.principal, D(2026, 3, 1))
    certificate(city.school_a1, "赵厨师", TODAY - dt.timedelta(days=1))
    few = [_queries(CERTIFICATES), _queries(PRINCIPALS)]
    _bulk_schools(city.county_b, 5000)
    bulk = list(Unit.objects.system("test").filter(code__startswith="3100").order_by("pk")[:400])
    for n, school in enumerate(bulk):
        certificate(school, f"厨师{n}", TODAY + dt.timedelta(days=n))
    for n, school in enumerate(bulk[:50]):
        appoint(make_person(f"leader{n}", school, Role.LEADER), D(2026, 2, 1))
    many = [_queries(CERTIFICATES), _queries(PRINCIPALS)]
    assert many == few
    assert max(many) <= 8
    assert ComplianceStatus.objects.system("test").filter(obligation=CERTIFICATES).count() == 401
    assert ComplianceStatus.objects.system("test").filter(obligation=PRINCIPALS).count() == 51
