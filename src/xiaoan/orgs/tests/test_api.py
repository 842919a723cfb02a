import json

import pytest
from django.test import Client

from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import Role, Stage, UnitKind
from xiaoan.orgs.testing import ScopedApiContract, make_person, make_unit

NEW_SCHOOL = {"name": "宛城区第六小学", "kind": "school", "code": "2141130206", "stage": "primary", "pupils": 600}


def patch(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


class TestUnitApi(ScopedApiContract):
    path = "/api/v1/units/{pk}"

    def make_object(self, city):
        return city.school_a1


class TestPersonApi(ScopedApiContract):
    path = "/api/v1/people/{pk}"
    insider = "county_a_admin"

    def make_object(self, city):
        return city.teacher


def test_the_unit_list_of_county_a_holds_no_row_of_county_b(city):
    body = city.client_for("county_a_officer").get("/api/v1/units").json()
    codes = {item["code"] for item in body["items"]}
    assert body["count"] == 3 and codes == {"411302", "2141130201", "2141130202"}


def test_the_unit_list_takes_the_page_filters(city):
    client = city.client_for("city_officer")
    kindergartens = client.get("/api/v1/units", {"stage": "kindergarten"}).json()
    assert [item["name"] for item in kindergartens["items"]] == ["宛城区实验幼儿园"]
    county_b = client.get("/api/v1/units", {"county": city.county_b.pk, "kind": "school"}).json()
    assert [item["name"] for item in county_b["items"]] == ["卧龙区第二中学"]


def test_filtering_by_a_county_out_of_scope_is_404(city):
    response = city.client_for("county_a_officer").get("/api/v1/units", {"county": city.county_b.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [5, 60])
def test_the_unit_list_answers_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_unit(city.county_a, f"学校{index}", UnitKind.SCHOOL, f"21411390{index:02d}", stage=Stage.PRIMARY)
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/units").json()
    assert body["count"] == rows + 3


def test_an_admin_creates_a_school_in_the_own_county(city):
    response = post(city.client_for("county_a_admin"), "/api/v1/units", {**NEW_SCHOOL, "parent_id": city.county_a.pk})
    assert response.status_code == 201, response.content
    unit = Unit.objects.get(code="2141130206")
    assert response.json()["id"] == unit.pk and unit.parent == city.county_a


def test_creating_into_another_county_is_404_and_creates_nothing(city):
    response = post(city.client_for("county_a_admin"), "/api/v1/units", {**NEW_SCHOOL, "parent_id": city.county_b.pk})
    assert response.status_code == 404
    assert not Unit.objects.filter(code="2141130206").exists()


def test_an_invalid_code_is_422_with_the_message(city):
    data = {**NEW_SCHOOL, "code": "2141130", "parent_id": city.county_a.pk}
    response = post(city.client_for("county_a_admin"), "/api/v1/units", data)
    assert response.status_code == 422
    assert "10位数字" in json.dumps(response.json(), ensure_ascii=False)


def test_a_viewer_patching_a_unit_gets_403(city):
    response = patch(city.client_for("viewer"), f"/api/v1/units/{city.school_a1.pk}", {"name": "改名"})
    assert response.status_code == 403 and response.json()["detail"]
    city.school_a1.refresh_from_db()
    assert city.school_a1.name == "宛城区第一小学"


def test_an_outsider_patching_a_unit_gets_404(city):
    response = patch(city.client_for("county_b_admin"), f"/api/v1/units/{city.school_a1.pk}", {"name": "改名"})
    assert response.status_code == 404


def test_an_admin_patches_only_the_fields_sent(city):
    response = patch(city.client_for("school_admin"), f"/api/v1/units/{city.school_a1.pk}", {"pupils": 1250})
    city.school_a1.refresh_from_db()
    assert response.status_code == 200 and response.json()["pupils"] == 1250
    assert city.school_a1.pupils == 1250 and city.school_a1.staff_count == 80


def test_session_writes_need_the_csrf_token(city):
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.school_admin)
    response = patch(client, f"/api/v1/units/{city.school_a1.pk}", {"pupils": 1})
    assert response.status_code == 403
    city.school_a1.refresh_from_db()
    assert city.school_a1.pupils == 1200


def test_the_people_list_is_scoped_and_masks_phones(city):
    city.teacher.phone = "13812341234"
    city.teacher.save(update_fields=["phone"])
    body = city.client_for("county_a_admin").get("/api/v1/people").json()
    by_name = {item["username"]: item for item in body["items"]}
    assert by_name["teacher"]["phone"] == "138****1234"
    assert "county_b_officer" not in by_name and "city_officer" not in by_name
    assert by_name["teacher"]["posts"][0]["unit_name"] == "宛城区第一小学"


@pytest.mark.parametrize("rows", [5, 60])
def test_the_people_list_answers_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_person(f"p{index}", city.school_a1, Role.STAFF)
    client = city.client_for("county_a_admin")
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/people").json()
    assert body["count"] == rows + 7


def test_a_teacher_may_not_list_people(city):
    assert city.client_for("teacher").get("/api/v1/people").status_code == 403


def test_a_personal_access_token_reaches_the_api_with_its_membership_scope(city):
    from xiaoan.accounts.services import token_create

    _, plaintext = token_create(
        user=city.county_b_officer, membership=city.county_b_officer.active_membership, name="t"
    )
    client = Client()
    body = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {plaintext}").json()
    assert {item["code"] for item in body["items"]} == {"411303", "2141130301"}
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer xa_wrong").status_code == 401


def test_the_openapi_document_lists_the_operations(city):
    response = Client().get("/api/v1/openapi.json")
    paths = response.json()["paths"]
    assert response.status_code == 200
    assert set(paths["/api/v1/units"]) == {"get", "post"}
    assert set(paths["/api/v1/units/{unit_id}"]) == {"get", "patch"}
    assert "/api/v1/people/{person_id}" in paths


def test_the_docs_page_loads_nothing_from_outside(city):
    body = Client().get("/api/v1/docs").content.decode()
    assert 'data-operation="PATCH /api/v1/units/{unit_id}"' in body
    assert "http://" not in body and "https://" not in body and "<script" not in body
