"""The tenant guard covers the API as it covers pages: an unscoped query during any request fails the test."""

from __future__ import annotations

import pytest
from django.test import Client

from xiaoan.core.scoping import UnscopedQueryError
from xiaoan.drills.models import Drill

from . import targets


@pytest.fixture
def token(mcity):
    from xiaoan.accounts.services import token_create

    user = mcity.principal
    return token_create(user=user, membership=user.active_membership, name="guard test")[1]


@pytest.fixture
def forgetful_selector(monkeypatch):
    """A selector that forgot ``for_user``: every drill of the city, county B's included."""
    monkeypatch.setattr("xiaoan.drills.api.selectors.drill_list", lambda user, filters: Drill.objects.all())


def test_it_fails_an_api_request_made_with_a_token_that_queries_without_for_user(mcity, token, forgetful_selector):
    targets.drill(mcity)
    with pytest.raises(UnscopedQueryError):
        Client().get("/api/v1/drills", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_it_fails_an_api_request_made_with_a_session_that_queries_without_for_user(mcity, forgetful_selector):
    targets.drill(mcity)
    with pytest.raises(UnscopedQueryError):
        mcity.client_for("principal").get("/api/v1/drills")


def test_it_fails_a_page_that_queries_without_for_user(mcity, monkeypatch):
    targets.drill(mcity)
    monkeypatch.setattr("xiaoan.drills.views.selectors.drill_list", lambda *args, **kwargs: Drill.objects.all())
    with pytest.raises(UnscopedQueryError):
        mcity.client_for("principal").get("/drills/")


def test_the_same_api_request_through_for_user_is_answered(mcity, token):
    targets.drill(mcity)
    response = Client().get("/api/v1/drills", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_the_guard_is_off_outside_requests_for_system_jobs(mcity):
    targets.drill(mcity)
    assert Drill.objects.count() == 1
