import pytest

from xiaoan.core.scoping import UnscopedQueryError, guard, unscoped
from xiaoan.orgs.models import Unit

pytestmark = pytest.mark.urls("xiaoan.core.tests.guard_urls")


def test_it_fails_a_request_whose_view_queries_a_scoped_model_without_for_user(city):
    client = city.client_for("county_a_officer")
    client.raise_request_exception = True
    with pytest.raises(UnscopedQueryError):
        client.get("/leaky/")


def test_it_lets_a_view_that_uses_for_user_through_and_shows_only_its_county(city):
    response = city.client_for("county_a_officer").get("/scoped/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "宛城区第一小学" in body
    assert "卧龙区" not in body
    assert "南阳市教育局" not in body


def test_it_allows_related_managers_of_an_object_looked_up_in_scope(city):
    response = city.client_for("county_a_officer").get("/related/")
    assert response.status_code == 200
    assert "宛城区实验幼儿园" in response.content.decode()


def test_it_does_not_guard_code_outside_requests_but_does_inside_the_guard(city):
    assert Unit.objects.count() == 6
    with guard(True):
        with pytest.raises(UnscopedQueryError):
            Unit.objects.count()
        with unscoped("test of the escape hatch"):
            assert Unit.objects.count() == 6
        assert Unit.objects.system("test").count() == 6
