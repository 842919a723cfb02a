"""TOTP is required for the unit administrators of every education bureau (city and county), on a frozen clock.

The clock is frozen through ``django.utils.timezone.now``, which the codes are checked against as well: a code
made for the frozen instant is accepted, one from a minute before it is not.
"""

import datetime as dt
from unittest import mock

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from xiaoan.accounts import totp
from xiaoan.orgs.models import Membership, User
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import PASSWORD, TOTP_TEST_SECRET

AT = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)
LOGIN = "/accounts/login/"
SECOND_FACTOR = "/accounts/second-factor/"
SETUP = "/accounts/totp/setup/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the replay guard remembers used codes


def frozen(at: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=at)


def sign_in(username: str) -> tuple[Client, object]:
    client = Client()
    return client, client.post(LOGIN, {"username": username, "password": PASSWORD})


def forget_second_factor(user: User) -> None:
    user.totp_secret, user.totp_confirmed = "", False
    user.save(update_fields=["totp_secret", "totp_confirmed"])


@pytest.mark.parametrize("persona", ["city_admin", "county_a_admin", "county_b_admin"])
def test_a_bureau_administrator_is_sent_to_the_second_factor_step(city, persona):
    generator = pyotp.TOTP(TOTP_TEST_SECRET)
    with frozen(AT):
        client, response = sign_in(persona)
        assert response.status_code == 302
        assert response["Location"].startswith(SECOND_FACTOR)
        assert client.get("/accounts/profile/")["Location"].startswith(SECOND_FACTOR)
        stale = generator.at(AT - dt.timedelta(seconds=60))  # two 30-second steps old: beyond the allowed drift
        assert client.post(SECOND_FACTOR, {"code": stale}).status_code == 200
        assert client.post(SECOND_FACTOR, {"code": generator.at(AT)}).status_code == 302
        assert client.get("/accounts/profile/").status_code == 200


def test_a_school_administrator_is_not_sent_to_the_second_factor_step(city):
    assert not totp.totp_required(city.school_admin)
    with frozen(AT):
        client, response = sign_in("school_admin")
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert client.get("/accounts/profile/").status_code == 200


def test_a_county_administrator_without_totp_must_set_it_up_before_anything_else(city):
    forget_second_factor(city.county_a_admin)
    with frozen(AT):
        client, response = sign_in("county_a_admin")
        assert response["Location"] == reverse("home")  # no code to ask for yet
        for path in ["/", "/accounts/profile/", "/orgs/people/"]:
            assert client.get(path)["Location"].startswith(SETUP), path
        secret = client.get(SETUP).context["secret"]
        assert client.post(SETUP, {"code": pyotp.TOTP(secret).at(AT)}).status_code == 302
        assert client.get("/accounts/profile/").status_code == 200
    with frozen(AT + dt.timedelta(hours=1)):
        _client, again = sign_in("county_a_admin")
        assert again["Location"].startswith(SECOND_FACTOR)


def test_the_requirement_follows_the_post_the_person_acts_in(city):
    """A teacher who is also a county administrator needs TOTP only while acting as the administrator."""
    forget_second_factor(city.teacher)
    admin_post = Membership.objects.system("test set-up").create(
        user=city.teacher, unit=city.county_a, role=Role.UNIT_ADMIN
    )
    with frozen(AT):
        client, response = sign_in("teacher")
        assert response["Location"] == reverse("home")
        assert client.get("/accounts/profile/").status_code == 200
        assert client.post("/accounts/switch/", {"membership": admin_post.pk}).status_code == 302
        assert client.get("/accounts/profile/")["Location"].startswith(SETUP)
