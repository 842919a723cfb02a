import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from xiaoan.hazards.models import Grade, Hazard, State
from xiaoan.hazards.testing import hazard_in_state, make_overdue, photo, report, safety_officer
from xiaoan.orgs.testing import ScopedApiContract

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hazards"


class TestHazardApi(ScopedApiContract):
    path = BASE + "/{pk}"

    def make_object(self, city):
        return report(city)


def test_the_api_lists_the_county_hazards_with_the_page_filters(city):
    inside = make_overdue(hazard_in_state(city, State.RECTIFYING))
    hazard_in_state(city, State.GRADED, unit=city.school_b1)
    response = city.client_for("county_a_officer").get(BASE, {"overdue": "true"})
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [inside.pk]
    assert body["items"][0]["is_overdue"] is True and body["has_next"] is False


def test_the_api_answers_anonymous_list_callers_with_401():
    assert Client().get(BASE).status_code == 401


def test_the_api_takes_a_report_with_a_photo(city):
    client = city.client_for("teacher")
    response = client.post(
        BASE,
        {"unit_id": city.school_a1.pk, "category": "gas", "place": "食堂", "description": "燃气味", "photos": photo()},
    )
    assert response.status_code == 201, response.content
    hazard = Hazard.objects.get(pk=response.json()["id"])
    assert hazard.reported_by == city.teacher
    assert list(hazard.photo_links.values_list("stage", flat=True)) == ["before"]


def test_the_api_refuses_a_report_for_another_county_with_404(city):
    response = city.client_for("teacher").post(
        BASE, {"unit_id": city.school_b1.pk, "category": "gas", "place": "食堂", "description": "燃气味"}
    )
    assert response.status_code == 404


def test_the_api_runs_the_workflow_with_the_same_rules(city):
    safety_officer(city)
    hazard = report(city)
    officer = city.client_for("school_officer")
    url = f"{BASE}/{hazard.pk}/transitions/"
    assert city.client_for("teacher").post(url + "grade", {"grade": "major"}).status_code == 403
    assert city.client_for("county_b_officer").post(url + "grade", {"grade": "major"}).status_code == 404
    assert officer.post(url + "grade", {"grade": "major"}).json()["grade"] == Grade.MAJOR
    deadline = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    fields = {"responsible_id": city.school_officer.pk, "measures": "加固", "deadline": deadline}
    incomplete = officer.post(url + "assign", fields)
    assert incomplete.status_code == 400 and "应急预案" in incomplete.json()["detail"]
    plan = {
        "funds": "5000",
        "goal": "消除",
        "organisation": "总务处",
        "materials": "已落实",
        "safety_measures": "围挡",
        "contingency_plan": "预案",
    }
    assert officer.post(url + "assign", {**fields, **plan}).json()["state"] == State.RECTIFYING
    assert officer.post(url + "request_acceptance", {}).status_code == 400
    assert officer.post(url + "request_acceptance", {"photos": photo()}).json()["state"] == "acceptance_requested"
    assert officer.post(url + "accept", {}).status_code == 403
    assert city.client_for("principal").post(url + "accept", {}).json()["state"] == State.ACCEPTED
    assert officer.post(url + "accept", {}).status_code in (403, 409)
    assert officer.post(url + "close", {}).json()["state"] == State.CLOSED


def test_the_api_refuses_an_unknown_step(city):
    hazard = report(city)
    response = city.client_for("principal").post(f"{BASE}/{hazard.pk}/transitions/explode", {})
    assert response.status_code == 409
