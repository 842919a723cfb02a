import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.drills.models import Drill
from xiaoan.drills.testing import make_drill, make_held_drill, make_plan, school_officer
from xiaoan.orgs.testing import ScopedApiContract, ScopedPageContract


class TestDrillPage(ScopedPageContract):
    url_name = "drills:drill_detail"
    write_url_name = "drills:drill_cancel"
    write_data = {"reason": "停电"}

    def make_object(self, city):
        return make_drill(city.school_a1)


class TestDrillRecordPage(ScopedPageContract):
    url_name = "drills:drill_record"
    insider = "principal"
    write_url_name = "drills:drill_record"
    write_data = {"participants": "10"}

    def make_object(self, city):
        return make_drill(city.school_a1)

    def test_a_county_officer_may_look_but_not_record(self, city):
        response = city.client_for("county_a_officer").get(self.url(self.make_object(city)))
        assert response.status_code == 403


class TestPlanPage(ScopedPageContract):
    url_name = "drills:plan_detail"
    write_url_name = "drills:plan_revise"
    write_data = {"revised_on": "2026-01-01", "approved_by": "某", "approved_on": "2026-01-02"}

    def make_object(self, city):
        return make_plan(city.school_a1, revised_on=timezone.localdate() - dt.timedelta(days=400))

    def test_it_flags_a_plan_older_than_its_review_cycle(self, city):
        body = city.client_for("principal").get(self.url(self.make_object(city))).content.decode()
        assert 'data-testid="review-due"' in body


def test_a_safety_officer_plans_and_records_a_drill_through_the_pages(city):
    school_officer(city)
    client = city.client_for("school_officer")
    today = timezone.localdate()
    response = client.post(reverse("drills:drill_create"), {"kind": "fire", "planned_on": today, "scope": "全校"})
    drill = Drill.objects.get()
    assert response["Location"] == drill.get_absolute_url()
    held_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("drills:drill_record", args=[drill.pk]),
        {"held_at": held_at, "participants": "800", "evacuation_seconds": "110", "summary": "顺利"},
    )
    assert response.status_code == 302
    drill.refresh_from_db()
    assert drill.state == Drill.State.HELD and drill.evacuation_seconds == 110


def test_bureaus_cannot_plan_drills(city):
    response = city.client_for("county_a_officer").get(reverse("drills:drill_create"))
    assert response.status_code == 403


def test_a_plan_is_created_then_given_its_first_version(city):
    client = city.client_for("principal")
    response = client.post(reverse("drills:plan_create"), {"kind": "flood", "title": "防汛应急预案"})
    plan_url = response["Location"]
    assert plan_url.endswith("/revise/")
    day = timezone.localdate().isoformat()
    response = client.post(plan_url, {"revised_on": day, "approved_by": "周校长", "approved_on": day})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert 'data-version="1"' in body and "周校长" in body


@pytest.mark.parametrize("url_name", ["drills:drill_list", "drills:plan_list"])
@pytest.mark.parametrize("extra", [1, 40])
def test_lists_render_in_bounded_queries(city, url_name, extra, django_assert_max_num_queries):
    for day in range(extra):
        make_held_drill(city.school_a1, timezone.localdate() - dt.timedelta(days=day))
        make_plan(city.school_a1, revised_on=timezone.localdate())
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_lists_show_only_the_users_county(city):
    mine, theirs = make_drill(city.school_a1), make_drill(city.school_b1)
    body = city.client_for("county_a_officer").get(reverse("drills:drill_list")).content.decode()
    assert f'data-drill="{mine.pk}"' in body and f'data-drill="{theirs.pk}"' not in body


class TestDrillApi(ScopedApiContract):
    path = "/api/v1/drills/{pk}"

    def make_object(self, city):
        return make_drill(city.school_a1)

    def test_api_lists_only_drills_in_scope(self, city):
        mine, theirs = make_drill(city.school_a1), make_drill(city.school_b1)
        ids = [row["id"] for row in city.client_for("county_a_officer").get("/api/v1/drills").json()["items"]]
        assert mine.pk in ids and theirs.pk not in ids

    def test_api_plans_a_drill_at_the_callers_school(self, city):
        payload = {"kind": "earthquake", "planned_on": timezone.localdate().isoformat(), "scope": "全校"}
        response = city.client_for("principal").post("/api/v1/drills", payload, content_type="application/json")
        assert response.status_code == 201
        assert response.json()["unit_id"] == city.school_a1.pk

    def test_api_refuses_a_read_only_role_with_403(self, city):
        payload = {"kind": "earthquake", "planned_on": timezone.localdate().isoformat(), "scope": "全校"}
        response = city.client_for("viewer").post("/api/v1/drills", payload, content_type="application/json")
        assert response.status_code == 403
