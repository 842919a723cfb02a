import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from xiaoan.core.tabular.testing import read_sheet
from xiaoan.education.models import EducationActivity
from xiaoan.education.testing import make_activity
from xiaoan.orgs.roles import Stage, UnitKind
from xiaoan.orgs.testing import ScopedPageContract, make_unit


def png_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(out, "PNG")
    return SimpleUploadedFile("课堂.png", out.getvalue(), content_type="image/png")


class TestActivityPage(ScopedPageContract):
    url_name = "education:activity_detail"
    write_url_name = "education:activity_edit"
    write_data = {"title": "改名", "date": "2026-04-01", "form": "lesson", "topics": ["fire"], "organiser": "x",
                  "classes_reached": "1", "headcount": "1"}  # fmt: skip

    def make_object(self, city):
        return make_activity(city.school_a1)


def test_a_teacher_records_a_lesson_with_a_photo_from_the_form(city):
    client = city.client_for("teacher")
    page = client.get(reverse("education:activity_create"))
    assert page.status_code == 200 and list(page.context["form"].fields["unit"].queryset) == [city.school_a1]
    data = {
        "unit": city.school_a1.pk, "title": "防溺水安全第一课", "date": timezone.localdate().isoformat(),
        "topics": ["drowning", "traffic"], "form": "lesson", "classes_reached": "2", "headcount": "88",
        "organiser": "徐丽", "photo": png_upload(),
    }  # fmt: skip
    response = client.post(reverse("education:activity_create"), data)
    activity = EducationActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert sorted(activity.topic_values()) == ["drowning", "traffic"]
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert "课堂.png" in detail and "防溺水" in detail


def test_a_form_without_topics_is_re_rendered_with_the_error(city):
    data = {"unit": city.school_a1.pk, "title": "x", "date": "2026-04-01", "form": "lesson", "organiser": "x",
            "classes_reached": "1", "headcount": "1"}  # fmt: skip
    response = city.client_for("teacher").post(reverse("education:activity_create"), data)
    assert response.status_code == 200 and "topics" in response.context["form"].errors
    assert not EducationActivity.objects.exists()


def test_a_county_officer_may_not_open_the_record_page(city):
    assert city.client_for("county_a_officer").get(reverse("education:activity_create")).status_code == 403


def test_the_list_of_county_b_holds_none_of_county_a(city):
    make_activity(city.school_a1, title="甲校活动")
    make_activity(city.school_b1, title="乙校活动")
    body = city.client_for("county_b_officer").get(reverse("education:activity_list")).content.decode()
    assert "乙校活动" in body and "甲校活动" not in body
    everything = city.client_for("city_officer").get(reverse("education:activity_list"))
    assert everything.context["page"].paginator.count == 2


def test_the_list_filters_by_topic(city):
    make_activity(city.school_a1, title="消防课", topics=["fire"])
    make_activity(city.school_a1, title="交通课", topics=["traffic"])
    response = city.client_for("county_a_officer").get(reverse("education:activity_list"), {"topic": "fire"})
    assert [a.title for a in response.context["page"].object_list] == ["消防课"]


@pytest.mark.parametrize("rows", [3, 40])
def test_the_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_activity(city.school_a1, title=f"活动{index}", topics=["fire", "drowning"])
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("education:activity_list"))
    assert len(response.context["page"].object_list) == rows


def test_the_ledger_export_reads_back_with_topics_and_only_rows_in_scope(city):
    make_activity(city.school_a1, title="防溺水班会", topics=["drowning", "traffic"], headcount=45)
    make_activity(city.school_b1, title="乙校活动")
    response = city.client_for("county_a_officer").get(reverse("education:activity_export"))
    rows = read_sheet(b"".join(response.streaming_content))
    assert rows[0][:4] == ["学校", "日期", "活动名称", "教育主题"]
    assert len(rows) == 2 and rows[1][2] == "防溺水班会" and rows[1][3] == "防溺水、交通安全" and rows[1][8] == 45


def test_a_school_sees_its_topics_covered_this_semester_and_the_gaps(city):
    today = timezone.localdate()
    make_activity(city.school_a1, topics=["drowning", "fire"], date=today, classes_reached=3)
    make_activity(city.school_a1, topics=["fire"], date=today, classes_reached=2)
    response = city.client_for("teacher").get(reverse("education:coverage"))
    coverage = response.context["coverage"]
    assert response.status_code == 200
    assert coverage.activities == 2 and coverage.classes_reached == 5
    assert {item.topic: item.activities for item in coverage.covered} == {"drowning": 1, "fire": 2}
    assert "bullying" in {item.topic for item in coverage.missing}


def test_the_region_matrix_counts_schools_per_county_and_topic_and_marks_thin_cells(city):
    today = timezone.localdate()
    make_activity(city.school_a1, topics=["drowning"], date=today)
    make_activity(city.school_a1, topics=["drowning"], date=today)
    make_activity(city.school_b1, topics=["fire"], date=today)
    response = city.client_for("city_officer").get(reverse("education:coverage"))
    topics = [value for value, _label in response.context["topics"]]
    rows = {row.unit: row for row in response.context["rows"]}
    county_a = rows[city.county_a]
    assert county_a.schools == 2
    assert county_a.cells[topics.index("drowning")] == (1, False)  # 1 of 2 schools: 50 % is not thin
    assert county_a.cells[topics.index("fire")] == (0, True)
    assert rows[city.county_b].cells[topics.index("fire")] == (1, False)


def test_the_matrix_drills_down_to_the_schools_of_a_county_but_not_into_another(city):
    response = city.client_for("county_a_officer").get(reverse("education:coverage"), {"unit": city.county_a.pk})
    assert {row.unit for row in response.context["rows"]} == {city.school_a1, city.kindergarten_a2}
    school = city.client_for("county_a_officer").get(reverse("education:coverage"), {"unit": city.school_a1.pk})
    assert school.context["coverage"].school == city.school_a1
    outsider = city.client_for("county_b_officer").get(reverse("education:coverage"), {"unit": city.county_a.pk})
    assert outsider.status_code == 404


@pytest.mark.parametrize("extra", [2, 30])
def test_the_region_matrix_takes_the_same_number_of_queries_for_few_and_many_schools(
    city, extra, django_assert_max_num_queries
):
    today = timezone.localdate()
    for index in range(extra):
        school = make_unit(city.county_a, f"学校{index}", UnitKind.SCHOOL, f"21411399{index:02d}", stage=Stage.PRIMARY)
        make_activity(school, topics=["fire", "traffic"], date=today)
    client = city.client_for("city_officer")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("education:coverage"))
    assert {row.unit: row.schools for row in response.context["rows"]}[city.county_a] == extra + 2


def test_the_calendar_lists_the_years_theme_days_and_what_the_school_did(city):
    make_activity(city.school_a1, topics=["fire"], date=dt.date(2026, 11, 10))
    response = city.client_for("teacher").get(reverse("education:calendar"), {"year": "2026"})
    body = response.content.decode()
    assert "2026-03-30" in body and "全国消防日" in body and "2026-06-01 — 2026-06-30" in body
    assert response.context["done"] == {"fire_safety_day"}


def widget_html(city, persona):
    from django.test import RequestFactory

    from xiaoan.education.widgets import render_upcoming_theme_days
    from xiaoan.orgs.policy import active_membership

    request = RequestFactory().get("/")
    request.user = city.people[persona]
    request.membership = active_membership(request.user)
    return render_upcoming_theme_days(request)


def test_the_home_widget_shows_the_upcoming_theme_day_and_nothing_when_none_is_near(city, monkeypatch):
    from xiaoan.education import widgets

    make_activity(city.school_a1, topics=["traffic"], date=dt.date(2026, 11, 25))
    monkeypatch.setattr(widgets.timezone, "localdate", lambda: dt.date(2026, 11, 25))
    html = widget_html(city, "teacher")
    assert "全国交通安全日" in html and "本校已开展" in html and "还有 7 天" in html
    assert "本校已开展" not in widget_html(city, "county_a_officer")
    monkeypatch.setattr(widgets.timezone, "localdate", lambda: dt.date(2026, 1, 5))
    assert widget_html(city, "teacher") is None
