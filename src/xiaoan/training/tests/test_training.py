import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.errors import InvalidInput, OutOfScope, PermissionDenied
from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.services import import_submit
from xiaoan.core.tabular.testing import read_sheet, xlsx_upload
from xiaoan.orgs.models import Membership
from xiaoan.orgs.roles import Stage, UnitKind
from xiaoan.orgs.testing import ScopedApiContract, ScopedPageContract, make_unit
from xiaoan.training import selectors
from xiaoan.training.models import StaffCategory, TrainingRecord
from xiaoan.training.services import Attendee, attendees_add, session_create
from xiaoan.training.testing import attend, make_session

TODAY = dt.date(2026, 11, 20)


class TestSessionPage(ScopedPageContract):
    url_name = "training:session_detail"
    write_url_name = "training:attendees_add"
    write_data = {"others": "张三"}

    def make_object(self, city):
        return make_session(city.school_a1, fire=True)


class TestSessionApi(ScopedApiContract):
    path = "/api/v1/training/sessions/{pk}"

    def make_object(self, city):
        return make_session(city.school_a1, fire=True)


def test_a_principal_records_a_session_and_a_county_officer_cannot_record_for_another_county(city):
    fields = {
        "title": "全员消防培训",
        "category": "all_staff",
        "date": TODAY,
        "hours": 2,
        "provider": "消防站",
        "is_fire_training": True,
    }
    session = session_create(actor=city.principal, unit=city.school_a1, today=TODAY, **fields)
    assert session.unit == city.school_a1 and session.number == f"PX{session.pk:06d}"
    with pytest.raises(OutOfScope):
        session_create(actor=city.county_a_officer, unit=city.school_b1, today=TODAY, **fields)
    with pytest.raises(PermissionDenied):
        session_create(actor=city.teacher, unit=city.school_a1, today=TODAY, **fields)


def test_bulk_entry_adds_the_units_staff_and_named_people_once_and_updates_certificates(city):
    session = make_session(city.school_a1, fire=True)
    people = [Attendee(name="王师傅", id_number="1234"), Attendee(name="李阿姨")]
    assert attendees_add(actor=city.principal, session=session, users=[city.teacher, city.guard], people=people) == (
        4,
        0,
    )
    renewed = [Attendee(name="王师傅", id_number="1234", certificate_no="JK001", certificate_expiry=TODAY)]
    assert attendees_add(actor=city.principal, session=session, users=[city.teacher], people=renewed) == (0, 1)
    assert TrainingRecord.objects.filter(session=session).count() == 4
    assert TrainingRecord.objects.get(name="王师傅").certificate_no == "JK001"


def test_bulk_entry_refuses_someone_without_a_post_at_the_unit_and_adds_nobody(city):
    session = make_session(city.school_a1)
    with pytest.raises(InvalidInput):
        attendees_add(actor=city.principal, session=session, users=[city.teacher, city.county_b_officer])
    assert not TrainingRecord.objects.exists()


def test_the_attendee_form_takes_ticked_staff_and_typed_lines(city):
    session = make_session(city.school_a1, fire=True)
    data = {"users": [city.teacher.pk], "others": "赵厨师,5678,JK9,2027-06-30\n钱保洁"}
    response = city.client_for("principal").post(reverse("training:attendees_add", args=[session.pk]), data)
    assert response.status_code == 302
    assert set(session.records.values_list("name", flat=True)) == {"teacher", "赵厨师", "钱保洁"}


def test_the_fire_coverage_of_a_school_is_met_only_at_the_rule_percentage(city):
    city.school_a1.staff_count = 3
    city.school_a1.save()
    session = make_session(city.school_a1, fire=True, date=dt.date(2026, 3, 1))
    attend(session, "甲"), attend(session, "乙")
    attend(make_session(city.school_a1, fire=True, date=dt.date(2026, 9, 1)), "甲")  # the same person twice
    attend(make_session(city.school_a1, fire=True, date=dt.date(2025, 9, 1)), "丙")  # another year
    [coverage] = selectors.fire_coverage(city.principal, city.school_a1, 2026)
    assert coverage.trained == 2 and coverage.met is False
    attend(session, "丙")
    [coverage] = selectors.fire_coverage(city.principal, city.school_a1, 2026)
    assert coverage.met is True and coverage.percent == 100


def test_an_expired_certificate_is_listed_until_renewed_and_one_due_soon_is_listed_too(city):
    old = make_session(city.school_a1, category=StaffCategory.FOOD_SERVICE, date=dt.date(2025, 1, 5))
    attend(old, "赵厨师", id_number="5678", certificate_no="JK1", certificate_expiry=TODAY - dt.timedelta(days=3))
    attend(old, "钱厨师", certificate_no="JK2", certificate_expiry=TODAY + dt.timedelta(days=10))
    attend(old, "孙厨师", certificate_no="JK3", certificate_expiry=TODAY + dt.timedelta(days=300))
    assert [r.name for r in selectors.certificates_due(city.principal, TODAY)] == ["赵厨师", "钱厨师"]
    renewal = make_session(city.school_a1, category=StaffCategory.FOOD_SERVICE, date=TODAY)
    attend(renewal, "赵厨师", id_number="5678", certificate_no="JK9", certificate_expiry=TODAY + dt.timedelta(days=700))
    assert [r.name for r in selectors.certificates_due(city.principal, TODAY)] == ["钱厨师"]
    assert list(selectors.certificates_due(city.county_b_officer, TODAY)) == []


def test_a_new_principal_is_due_then_overdue_until_trained(city):
    post = Membership.objects.get(user=city.principal)
    Membership.objects.filter(pk=post.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    today = timezone.localdate()
    [item] = selectors.new_principals(city.county_a_officer, city.county_a, today)
    assert item.trained_on is None and not item.overdue
    [late] = selectors.new_principals(city.county_a_officer, city.county_a, today + dt.timedelta(days=340))
    assert late.overdue
    attend(make_session(city.county_a, category=StaffCategory.NEW_PRINCIPAL, date=today), "校长", user=city.principal)
    [done] = selectors.new_principals(city.county_a_officer, city.county_a, today)
    assert done.trained_on == today


def test_the_attendee_import_adds_rows_to_the_numbered_session_and_refuses_other_counties(
    city, django_capture_on_commit_callbacks
):
    session = make_session(city.school_a1, fire=True)
    foreign = make_session(city.school_b1)
    rows = [
        ["场次编号", "姓名", "证件号/工号", "证书编号", "证书有效期至"],
        [session.number, "周厨师", "1111", "JK5", "2027-05-01"],
        [session.number, "吴门卫", "", "", ""],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        job = import_submit(
            actor=city.principal, unit=city.school_a1, spec_name="training_attendees", upload=xlsx_upload(rows)
        )
    job.refresh_from_db()
    assert job.state == ImportJob.State.SUCCEEDED and job.created_count == 2
    assert TrainingRecord.objects.get(name="周厨师").certificate_expiry == dt.date(2027, 5, 1)
    with django_capture_on_commit_callbacks(execute=True):
        again = import_submit(
            actor=city.principal, unit=city.school_a1, spec_name="training_attendees", upload=xlsx_upload(rows)
        )
    again.refresh_from_db()
    assert again.unchanged_count == 2 and session.records.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        bad = import_submit(
            actor=city.principal,
            unit=city.school_a1,
            spec_name="training_attendees",
            upload=xlsx_upload([rows[0], [foreign.number, "外校", "", "", ""]]),
        )
    bad.refresh_from_db()
    assert bad.state == ImportJob.State.FAILED and not foreign.records.exists()


def test_the_session_list_of_county_b_holds_none_of_county_a_and_the_api_agrees(city):
    make_session(city.school_a1, title="甲校消防")
    make_session(city.school_b1, title="乙校消防")
    body = city.client_for("county_b_officer").get(reverse("training:session_list")).content.decode()
    assert "乙校消防" in body and "甲校消防" not in body
    api = city.client_for("county_b_officer").get("/api/v1/training/sessions").json()
    assert [item["title"] for item in api["items"]] == ["乙校消防"]
    assert Client_anonymous_status("/api/v1/training/sessions") == 401


def Client_anonymous_status(path):
    from django.test import Client

    return Client().get(path).status_code


@pytest.mark.parametrize("rows", [3, 40])
def test_the_session_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        attend(make_session(city.school_a1, title=f"培训{index}"), "甲")
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:session_list"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("extra", [1, 20])
def test_the_category_coverage_takes_the_same_queries_for_few_and_many_schools(
    city, extra, django_assert_max_num_queries
):
    for index in range(extra):
        school = make_unit(
            city.county_a, f"学校{index}", UnitKind.SCHOOL, f"21411388{index:02d}", stage=Stage.PRIMARY, staff_count=1
        )
        attend(make_session(school, fire=True), f"教师{index}")
    client = city.client_for("city_officer")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("training:coverage"))
    row = {row.unit: row for row in response.context["rows"]}[city.county_a]
    assert row.fire_met == extra and row.cells[list(StaffCategory.values).index("all_staff")] == extra


@pytest.mark.parametrize("url", ["training:certificates", "training:coverage", "training:session_create"])
def test_the_other_pages_answer_an_insider_and_send_anonymous_visitors_to_login(city, url):
    from django.test import Client

    persona = "principal" if url == "training:session_create" else "county_a_officer"
    assert city.client_for(persona).get(reverse(url)).status_code == 200
    assert Client().get(reverse(url)).status_code == 302


def test_the_ledger_export_reads_back_with_masked_ids(city):
    attend(make_session(city.school_a1, fire=True, title="全员消防"), "王师傅", id_number="41130219800101123X")
    response = city.client_for("county_a_officer").get(reverse("training:session_export"))
    rows = read_sheet(b"".join(response.streaming_content))
    assert rows[0][7] == "姓名" and rows[1][2] == "全员消防" and rows[1][8] == "**************123X"


def test_the_fire_obligation_counts_people_per_school_against_the_staff_count(city):
    from xiaoan.compliance.obligations import get_obligation
    from xiaoan.compliance.periods import Period

    city.school_a1.staff_count = 2
    city.school_a1.save()
    session = make_session(city.school_a1, fire=True, date=dt.date(2026, 4, 1))
    attend(session, "甲"), attend(session, "乙")
    obligation = get_obligation("training.fire_training_yearly")
    period = Period("year", "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    tally = obligation.evidence(period)
    assert tuple(tally[city.school_a1.pk]) == (2, [session.pk])
    assert obligation.required_for({"staff_count": 2}, period) == 2
