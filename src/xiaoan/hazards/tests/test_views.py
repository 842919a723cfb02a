import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoan.hazards import services
from xiaoan.hazards.models import Grade, Hazard, State, Supervision
from xiaoan.hazards.testing import hazard_in_state, make_overdue, photo, report, safety_officer
from xiaoan.orgs.testing import ScopedPageContract

pytestmark = pytest.mark.django_db


class TestHazardPage(ScopedPageContract):
    url_name = "hazards:detail"
    write_url_name = "hazards:grade"
    write_data = {"grade": "general", "category": "fire"}

    def make_object(self, city):
        return report(city)


class TestAssignPage(ScopedPageContract):
    url_name = "hazards:assign"
    insider = "school_officer"
    write_url_name = "hazards:assign"

    def make_object(self, city):
        return hazard_in_state(city, State.GRADED)

    def test_it_shows_the_object_to_an_insider(self, city):
        hazard = self.make_object(city)
        response = city.client_for(self.insider).get(self.url(hazard))
        assert response.status_code == 200


class TestRequestAcceptancePage(ScopedPageContract):
    url_name = "hazards:request_acceptance"
    insider = "school_officer"
    write_url_name = "hazards:request_acceptance"

    def make_object(self, city):
        return hazard_in_state(city, State.RECTIFYING)


class TestTransitionEndpoint(ScopedPageContract):
    url_name = "hazards:detail"
    write_data = {"comment": ""}

    def make_object(self, city):
        return hazard_in_state(city, State.ACCEPTANCE_REQUESTED)

    def write_url(self, obj):
        return reverse("hazards:transition", args=[obj.pk, "accept"])


class TestSupervisePage(ScopedPageContract):
    url_name = "hazards:supervise"
    write_url_name = "hazards:supervise"

    def make_object(self, city):
        return make_overdue(hazard_in_state(city, State.RECTIFYING))


class TestRectificationNotice(ScopedPageContract):
    url_name = "hazards:rectification_notice"

    def make_object(self, city):
        return hazard_in_state(city, State.RECTIFYING, grade=Grade.MAJOR)


def open_supervision(city):
    hazard = make_overdue(hazard_in_state(city, State.RECTIFYING))
    return services.supervision_open(
        actor=city.county_a_officer,
        hazard=hazard,
        leader=city.county_a_officer,
        deadline=timezone.localdate() + dt.timedelta(days=10),
        required_reports="每周报送",
    )


class TestSupervisionNotice(ScopedPageContract):
    url_name = "hazards:supervision_notice"

    def make_object(self, city):
        return open_supervision(city)


class TestProgressPage(ScopedPageContract):
    url_name = "hazards:progress"
    insider = "school_officer"
    write_url_name = "hazards:progress"
    write_data = {"text": "进展"}

    def make_object(self, city):
        return open_supervision(city)


@pytest.fixture(autouse=True)
def _school_officer(city):
    safety_officer(city)


def test_a_teacher_reports_a_hazard_with_a_photo_from_the_form(city):
    client = city.client_for("teacher")
    form = client.get(reverse("hazards:report"))
    body = form.content.decode()
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    response = client.post(
        reverse("hazards:report"),
        {
            "unit": city.school_a1.pk,
            "category": "electricity",
            "place": "实验楼",
            "description": "插座烧焦",
            "photos": photo(),
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert hazard.category == "electricity" and hazard.reported_by == city.teacher


def test_the_report_form_is_refused_to_a_viewer(city):
    assert city.client_for("viewer").get(reverse("hazards:report")).status_code == 403


def test_the_safety_officer_grades_and_assigns_through_the_pages(city):
    hazard = report(city)
    client = city.client_for("school_officer")
    detail = client.get(hazard.get_absolute_url())
    assert [t.name for t in detail.context["form_steps"]] == ["grade"]
    client.post(reverse("hazards:grade", args=[hazard.pk]), {"grade": "general", "category": "fire"})
    deadline = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        reverse("hazards:assign", args=[hazard.pk]),
        {"responsible": city.school_officer.pk, "measures": "更换", "deadline": deadline.isoformat()},
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).state == State.RECTIFYING


def test_the_assign_page_shows_the_missing_five_items_of_a_major_hazard(city):
    hazard = hazard_in_state(city, State.GRADED, grade=Grade.MAJOR)
    deadline = timezone.localdate() + dt.timedelta(days=5)
    response = city.client_for("school_officer").post(
        reverse("hazards:assign", args=[hazard.pk]),
        {"responsible": city.school_officer.pk, "measures": "加固", "deadline": deadline.isoformat()},
    )
    assert response.status_code == 200
    assert "应急预案" in response.context["form"].non_field_errors()[0]


def test_the_acceptance_request_page_requires_after_photos(city):
    hazard = hazard_in_state(city, State.RECTIFYING)
    client = city.client_for("school_officer")
    refused = client.post(reverse("hazards:request_acceptance", args=[hazard.pk]), {"comment": "已完成"})
    assert refused.status_code == 200 and "photos" in refused.context["form"].errors
    done = client.post(reverse("hazards:request_acceptance", args=[hazard.pk]), {"photos": photo("after.jpg")})
    assert done.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).state == State.ACCEPTANCE_REQUESTED


def test_a_step_in_the_wrong_state_becomes_a_message_not_an_error_page(city):
    hazard = hazard_in_state(city, State.CLOSED)
    response = city.client_for("principal").post(reverse("hazards:transition", args=[hazard.pk, "accept"]), follow=True)
    assert response.status_code == 200
    assert any("不能执行" in str(m) for m in response.context["messages"])


def test_the_county_lists_and_closes_a_supervised_hazard_through_the_pages(city):
    hazard = make_overdue(hazard_in_state(city, State.RECTIFYING))
    county = city.client_for("county_a_officer")
    assert county.get(hazard.get_absolute_url()).context["can_supervise"]
    deadline = timezone.localdate() + dt.timedelta(days=10)
    county.post(
        reverse("hazards:supervise", args=[hazard.pk]),
        {"leader": city.county_a_officer.pk, "deadline": deadline.isoformat(), "required_reports": "每周报送"},
    )
    supervision = Supervision.objects.get()
    school = city.client_for("school_officer")
    school.post(reverse("hazards:progress", args=[supervision.pk]), {"text": "已采购"})
    school.post(reverse("hazards:request_acceptance", args=[hazard.pk]), {"photos": photo()})
    steps = [t.name for t in county.get(hazard.get_absolute_url()).context["comment_steps"]]
    assert steps == ["accept_supervised", "return_supervised"]
    county.post(reverse("hazards:transition", args=[hazard.pk, "accept_supervised"]))
    county.post(reverse("hazards:transition", args=[hazard.pk, "close_supervised"]))
    assert Hazard.objects.get(pk=hazard.pk).state == State.CLOSED
    listing = county.get(reverse("hazards:supervision_list"), {"status": "closed"})
    assert [s.pk for s in listing.context["page"].object_list] == [supervision.pk]


def test_the_supervision_list_shows_the_age_of_each_supervision(city):
    supervision = open_supervision(city)
    Supervision.objects.filter(pk=supervision.pk).update(created_at=timezone.now() - dt.timedelta(days=12))
    response = city.client_for("city_officer").get(reverse("hazards:supervision_list"))
    assert response.status_code == 200
    assert '<td class="text-end" data-testid="age">12</td>' in response.content.decode()
    outsider = city.client_for("county_b_officer").get(reverse("hazards:supervision_list"))
    assert list(outsider.context["page"].object_list) == []


# --- the three lists ------------------------------------------------------------------------------------


def hazards_everywhere(city):
    a_open = hazard_in_state(city, State.RECTIFYING)
    a_overdue = make_overdue(hazard_in_state(city, State.RECTIFYING, grade=Grade.MAJOR))
    b_open = hazard_in_state(city, State.GRADED, unit=city.school_b1)
    return a_open, a_overdue, b_open


def test_the_county_list_has_its_hazards_and_none_of_another_county(city):
    a_open, a_overdue, _b_open = hazards_everywhere(city)
    response = city.client_for("county_a_officer").get(reverse("hazards:list"))
    assert {h.pk for h in response.context["page"].object_list} == {a_open.pk, a_overdue.pk}


def test_the_list_filters_by_overdue_grade_state_and_period(city):
    a_open, a_overdue, b_open = hazards_everywhere(city)
    client = city.client_for("city_officer")

    def listed(**params):
        return {h.pk for h in client.get(reverse("hazards:list"), params).context["page"].object_list}

    assert listed(overdue="1") == {a_overdue.pk}
    assert listed(grade="major") == {a_overdue.pk}
    assert listed(state="graded") == {b_open.pk}
    assert listed(county=city.county_b.pk) == {b_open.pk}
    assert listed(school=city.school_a1.pk, overdue="0") == {a_open.pk}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert listed(reported_from=tomorrow.isoformat()) == set()


def test_the_city_sees_a_breakdown_per_county_that_drills_down_keeping_the_filters(city):
    hazards_everywhere(city)
    response = city.client_for("city_officer").get(reverse("hazards:list"), {"grade": "major"})
    rows = {row["unit"].pk: row for row in response.context["rollup"]}
    assert set(rows) == {city.county_a.pk}
    assert rows[city.county_a.pk]["overdue"] == 1
    assert f"grade=major&amp;county={city.county_a.pk}" in response.content.decode()
    county = city.client_for("city_officer").get(reverse("hazards:list"), {"county": city.county_a.pk})
    assert {row["unit"].pk for row in county.context["rollup"]} == {city.school_a1.pk}


@pytest.mark.parametrize("kind", ["hazards", "responsibility", "rectification"])
def test_each_list_exports_an_xlsx_with_the_county_rows_only(city, kind):
    a_open, a_overdue, _b_open = hazards_everywhere(city)
    response = city.client_for("county_a_officer").get(reverse("hazards:export_xlsx"), {"list": kind})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "宛城区教育体育局" in rows[0][0]
    numbers = {row[0] for row in rows[2:]}
    assert numbers == {a_open.number, a_overdue.number}
    assert all("卧龙" not in str(cell) for row in rows for cell in row if cell)


def test_the_responsibility_list_names_the_supervising_leader(city):
    supervision = open_supervision(city)
    response = city.client_for("county_a_officer").get(reverse("hazards:export_xlsx"), {"list": "responsibility"})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == supervision.hazard.number)
    assert city.county_a_officer.display_name in row


def test_the_calamine_reader_reads_the_ledger_too(city):
    from python_calamine import CalamineWorkbook

    hazards_everywhere(city)
    response = city.client_for("county_a_officer").get(reverse("hazards:export_xlsx"), {"list": "rectification"})
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = workbook.get_sheet_by_index(0).to_python()
    assert len(rows) == 4 and rows[1][3] == "整改措施"


@pytest.mark.parametrize("kind", ["hazards", "responsibility", "rectification"])
def test_each_list_prints_as_a_pdf(city, kind):
    hazards_everywhere(city)
    response = city.client_for("county_a_officer").get(reverse("hazards:export_pdf"), {"list": kind})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_exports_are_refused_to_a_guard(city):
    assert city.client_for("guard").get(reverse("hazards:export_xlsx")).status_code == 403


def test_the_notices_are_pdfs(city):
    supervision = open_supervision(city)
    client = city.client_for("county_a_officer")
    assert client.get(reverse("hazards:supervision_notice", args=[supervision.pk])).content.startswith(b"%PDF")
    notice = client.get(reverse("hazards:rectification_notice", args=[supervision.hazard_id]))
    assert notice.content.startswith(b"%PDF")


def test_a_rectification_notice_waits_for_the_rectification(city):
    response = city.client_for("county_a_officer").get(reverse("hazards:rectification_notice", args=[report(city).pk]))
    assert response.status_code == 409


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    officer = safety_officer(city)
    for _i in range(rows):
        report(city, actor=officer)
    client = city.client_for("city_officer")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("hazards:list"), {"list": "responsibility"})
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("count", [1, 12])
def test_the_supervision_list_renders_in_a_bounded_number_of_queries(city, count, django_assert_max_num_queries):
    for _i in range(count):
        hazard = hazard_in_state(city, State.GRADED, grade=Grade.MAJOR)
        services.supervision_open(
            actor=city.county_a_officer,
            hazard=hazard,
            leader=city.county_a_officer,
            deadline=timezone.localdate(),
            required_reports="每周",
        )
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("hazards:supervision_list"))
    assert len(response.context["page"].object_list) == count


def test_the_list_pages_without_counting(city):
    officer = safety_officer(city)
    for _i in range(51):
        report(city, actor=officer)
    client = city.client_for("county_a_officer")
    first = client.get(reverse("hazards:list"))
    assert first.context["page"].has_next and len(first.context["page"].object_list) == 50
    second = client.get(reverse("hazards:list"), {"page": 2})
    assert not second.context["page"].has_next and len(second.context["page"].object_list) == 1


def test_the_home_widgets_show_figures_that_link_to_the_filtered_list(city):
    hazards_everywhere(city)
    response = city.client_for("county_a_officer").get(reverse("home"))
    body = response.content.decode()
    assert 'data-widget="hazards.open"' in body and 'data-widget="hazards.figures"' in body
    assert '<div class="h2 mb-0 text-danger" data-testid="figure-overdue">1</div>' in body
    assert "?state=rectifying&amp;grade=major" in body


def test_the_home_widgets_stay_hidden_when_there_is_nothing_to_show(city):
    body = city.client_for("county_b_officer").get(reverse("home")).content.decode()
    assert 'data-widget="hazards.open"' not in body


def test_a_hazard_awaiting_acceptance_shows_the_acceptance_deadline_from_the_rule(city):
    hazard = hazard_in_state(city, State.ACCEPTANCE_REQUESTED)
    response = city.client_for("principal").get(hazard.get_absolute_url())
    expected = timezone.localdate() + dt.timedelta(days=10)
    assert response.context["acceptance_due"] == expected
    assert f'data-testid="acceptance-due">{expected:%Y-%m-%d}<' in response.content.decode()


def test_the_filter_drop_downs_keep_the_chosen_county_and_school_selected(city):
    client = city.client_for("city_officer")
    html = client.get(reverse("hazards:list"), {"county": city.county_a.pk, "school": city.school_a1.pk}).content
    page = html.decode()
    assert f'<option value="{city.county_a.pk}" selected>{city.county_a.name}</option>' in page
    assert f'<option value="{city.county_b.pk}">{city.county_b.name}</option>' in page
    assert f'<option value="{city.school_a1.pk}" selected>{city.school_a1.name}</option>' in page
