import pytest

from xiaoan.orgs.testing import ScopedApiContract
from xiaoan.risks.testing import make_risk_point


class TestRiskPointApi(ScopedApiContract):
    path = "/api/v1/risks/{pk}"

    def make_object(self, city):
        return make_risk_point(city.school_a1)


def test_the_api_list_of_county_a_holds_no_risk_point_of_county_b(city):
    mine = make_risk_point(city.school_a1, name="食堂", responsible=city.teacher)
    make_risk_point(city.school_b1, name="配电室")
    body = city.client_for("county_a_officer").get("/api/v1/risks").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["level"], item["score"], item["responsible_name"]) == (
        mine.pk,
        "orange",
        "270.000",
        "teacher",
    )
    assert item["review_overdue"] is False


def test_the_api_list_takes_the_page_filters(city):
    make_risk_point(city.school_a1, name="游泳池", lec=("3", "3", "40"))
    make_risk_point(city.kindergarten_a2, name="滑梯", lec=("3", "6", "3"))
    client = city.client_for("county_a_officer")
    assert [item["name"] for item in client.get("/api/v1/risks", {"level": "red"}).json()["items"]] == ["游泳池"]
    by_unit = client.get("/api/v1/risks", {"unit": city.kindergarten_a2.pk}).json()
    assert [item["name"] for item in by_unit["items"]] == ["滑梯"]
    assert client.get("/api/v1/risks", {"unit": city.school_b1.pk}).status_code == 404


def test_a_role_without_the_view_permission_gets_403(city):
    assert city.client_for("guard").get("/api/v1/risks").status_code == 403


@pytest.mark.parametrize("rows", [3, 60])
def test_the_api_list_answers_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_risk_point(city.school_a1, name=f"风险点{index}", responsible=city.teacher)
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/risks").json()
    assert body["count"] == rows
