import pytest
from django.test import Client

from xiaoan.families.models import Receipt, ReceiptState, ReceiptTally
from xiaoan.families.testing import build_roster, draft_letter, published_letter, receipt_of
from xiaoan.orgs.testing import ScopedApiContract

pytestmark = pytest.mark.django_db
REASON = "test"


class TestLetterApi(ScopedApiContract):
    path = "/api/v1/families/letters/{pk}"

    def make_object(self, city):
        return draft_letter(city, author="county_a_officer")


class TestProgressApi(ScopedApiContract):
    path = "/api/v1/families/letters/{pk}/progress"

    def make_object(self, city):
        build_roster(city)
        return published_letter(city, author="county_a_officer")

    def test_api_returns_the_object_to_an_insider(self, city):
        letter = self.make_object(city)
        response = city.client_for(self.insider).get(self.path.format(pk=letter.pk))
        assert response.status_code == 200 and response.json()["letter_id"] == letter.pk


def test_the_list_holds_own_and_reaching_letters_only(city, roster):
    city_letter = published_letter(city)
    own = draft_letter(city, author="county_a_officer")
    other = draft_letter(city, author="county_b_officer")
    ids = {item["id"] for item in city.client_for("county_a_officer").get("/api/v1/families/letters").json()["items"]}
    assert {city_letter.pk, own.pk} <= ids and other.pk not in ids


def test_progress_gives_rates_by_school_for_a_county_and_no_names(city, roster):
    letter = published_letter(city)
    receipt = receipt_of(letter, roster.pupils["wang"])
    Receipt.objects.system(REASON).filter(pk=receipt.pk).update(state=ReceiptState.CONFIRMED)
    ReceiptTally.objects.system(REASON).filter(letter=letter, school_class=roster.class_a).update(confirmed=1)
    body = city.client_for("county_a_officer").get(f"/api/v1/families/letters/{letter.pk}/progress").json()
    assert (body["owed"], body["confirmed"], body["percent"]) == (5, 1, 20.0)
    assert [row["name"] for row in body["rows"]] == ["宛城区第一小学"]
    assert "王小红" not in str(body)


def test_a_guard_is_refused_with_403(city, roster):
    letter = published_letter(city)
    assert city.client_for("guard").get(f"/api/v1/families/letters/{letter.pk}").status_code == 403
    assert Client().get("/api/v1/families/letters").status_code == 401
