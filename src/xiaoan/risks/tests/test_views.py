import datetime as dt
import io
import json
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoan.orgs.testing import ScopedPageContract
from xiaoan.risks.models import RiskPoint, RiskReview
from xiaoan.risks.testing import make_risk_point, school_safety_officer

NEW_POINT = {
    "name": "教学楼楼梯间",
    "place": "东楼梯",
    "kind": "place",
    "hazard_factors": "课间人员集中",
    "consequences": "拥挤踩踏",
    "method": "lec",
    "likelihood": "1",
    "exposure": "10",
    "consequence": "15",
    "level": "",
    "control_measures": "错峰放学，楼梯口教师值守",
    "responsible": "",
    "responsible_post": "政教主任",
    "review_cycle_days": "183",
}
REVIEW = {"reviewed_on": "", "method": "direct", "level": "yellow", "notes": "复核"}


class TestRiskPointPage(ScopedPageContract):
    url_name = "risks:detail"
    write_url_name = "risks:edit"
    write_data = NEW_POINT

    def make_object(self, city):
        return make_risk_point(city.school_a1)


class TestRiskReviewPage(ScopedPageContract):
    url_name = "risks:detail"
    write_url_name = "risks:review"
    write_data = REVIEW

    def make_object(self, city):
        return make_risk_point(city.school_a1)


def test_a_county_officer_sees_the_risk_points_of_the_own_county_only(city):
    mine = make_risk_point(city.school_a1, name="食堂")
    make_risk_point(city.school_b1, name="配电室")
    response = city.client_for("county_a_officer").get(reverse("risks:list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert "配电室" not in response.content.decode()


def test_the_list_filters_by_level_responsible_person_and_school(city):
    red = make_risk_point(city.school_a1, name="游泳池", lec=("3", "3", "40"), responsible_post="体育组长")
    blue = make_risk_point(city.kindergarten_a2, name="滑梯", lec=("3", "6", "3"))
    client = city.client_for("county_a_officer")
    assert list(client.get(reverse("risks:list"), {"level": "red"}).context["page"].object_list) == [red]
    assert list(client.get(reverse("risks:list"), {"responsible": "体育"}).context["page"].object_list) == [red]
    by_school = client.get(reverse("risks:list"), {"unit": city.kindergarten_a2.pk})
    assert list(by_school.context["page"].object_list) == [blue]


def test_an_htmx_filter_request_gets_only_the_table(city):
    make_risk_point(city.school_a1)
    response = city.client_for("principal").get(reverse("risks:list"), HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="risk-table"')


@pytest.mark.parametrize("rows", [3, 60])
def test_the_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_risk_point(city.school_a1, name=f"风险点{index}", responsible=city.teacher)
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("risks:list"))
    assert response.context["page"].paginator.count == rows


def test_a_school_safety_officer_registers_a_risk_point_on_the_page(city):
    officer = school_safety_officer(city.school_a1)
    client = city.client_for("principal")
    client.force_login(officer)
    response = client.post(reverse("risks:create"), {**NEW_POINT, "responsible": officer.pk})
    point = RiskPoint.objects.get(name="教学楼楼梯间")
    assert response.status_code == 302 and response["Location"] == point.get_absolute_url()
    assert (point.unit, point.level, point.responsible) == (city.school_a1, "yellow", officer)


def test_the_create_page_reports_a_missing_factor_without_saving(city):
    response = city.client_for("principal").post(reverse("risks:create"), {**NEW_POINT, "likelihood": ""})
    assert response.status_code == 200
    assert "请从规定的取值中选择" in response.content.decode()
    assert not RiskPoint.objects.exists()


def test_region_level_users_get_403_on_the_create_page(city):
    assert city.client_for("county_a_officer").get(reverse("risks:create")).status_code == 403


def test_a_review_on_the_page_records_the_history(city):
    point = make_risk_point(city.school_a1)
    client = city.client_for("principal")
    data = {**REVIEW, "reviewed_on": timezone.localdate().isoformat()}
    response = client.post(reverse("risks:review", args=[point.pk]), data)
    assert response.status_code == 302
    review = RiskReview.objects.get(risk_point=point)
    assert (review.previous_level, review.level) == ("orange", "yellow")
    detail = client.get(point.get_absolute_url()).content.decode()
    assert "复核记录" in detail and "较大风险 → 一般风险" in detail


def test_the_county_distribution_counts_per_school_and_embeds_the_chart_data(city):
    make_risk_point(city.school_a1, lec=("3", "3", "40"))
    make_risk_point(city.school_a1, lec=("3", "6", "3"))
    make_risk_point(city.kindergarten_a2, lec=("3", "6", "3"))
    make_risk_point(city.school_b1, lec=("3", "3", "40"))
    response = city.client_for("county_a_officer").get(reverse("risks:distribution"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["red"], counts["blue"], counts["total"]) == (1, 2, 3)
    rows = {row["unit"]: (row["red"], row["blue"]) for row in response.context["below"]}
    assert rows == {city.school_a1: (1, 1), city.kindergarten_a2: (0, 1)}
    body = response.content.decode()
    assert 'id="risk-chart-data"' in body and "echarts.min.js" in body and "//cdn" not in body


def test_the_city_distribution_rolls_up_per_county_and_drills_down(city):
    make_risk_point(city.school_a1, lec=("3", "3", "40"))
    make_risk_point(city.school_b1, lec=("3", "6", "3"))
    client = city.client_for("city_officer")
    rows = {row["unit"]: row["total"] for row in client.get(reverse("risks:distribution")).context["below"]}
    assert rows == {city.county_a: 1, city.county_b: 1}
    drilled = client.get(reverse("risks:distribution"), {"unit": city.county_b.pk})
    assert [row["unit"] for row in drilled.context["below"]] == [city.school_b1]


def test_a_drill_down_outside_the_scope_is_404(city):
    response = city.client_for("county_a_officer").get(reverse("risks:distribution"), {"unit": city.county_b.pk})
    assert response.status_code == 404


def test_the_home_widget_shows_colours_and_overdue_reviews_and_hides_when_empty(city):
    client = city.client_for("principal")
    assert 'data-widget="risks.colours"' not in client.get(reverse("home")).content.decode()
    make_risk_point(city.school_a1, lec=("3", "3", "40"))
    make_risk_point(city.school_a1, name="配电室", on=timezone.localdate() - dt.timedelta(days=200))
    body = client.get(reverse("home")).content.decode()
    assert 'data-widget="risks.colours"' in body and 'data-testid="risk-overdue"' in body


def test_the_xlsx_ledger_holds_only_rows_in_scope(city):
    make_risk_point(city.school_a1, name="食堂")
    make_risk_point(city.school_b1, name="配电室")
    response = city.client_for("county_a_officer").get(reverse("risks:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "宛城区教育体育局" in rows[0][0] and rows[1][2] == "风险点名称"
    assert [row[2] for row in rows[2:]] == ["食堂"]
    assert rows[2][12] == "较大风险（橙）"


def test_the_pdf_ledger_names_the_unit_and_holds_only_rows_in_scope(city, tmp_path):
    make_risk_point(city.school_a1, name="食堂")
    make_risk_point(city.school_b1, name="配电室")
    response = city.client_for("county_a_officer").get(reverse("risks:ledger_pdf"))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "ledger.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "宛城区教育体育局 安全风险分级管控清单" in text
    assert "食堂" in text and "配电室" not in text


def test_the_distribution_chart_data_is_valid_json(city):
    make_risk_point(city.school_a1)
    response = city.client_for("principal").get(reverse("risks:distribution"))
    assert response.context["below"] == []
    body = response.content.decode()
    start = body.index(">", body.index('id="risk-chart-data"')) + 1
    data = json.loads(body[start : body.index("</script>", start)])
    assert [level["value"] for level in data["levels"]] == [0, 1, 0, 0]
