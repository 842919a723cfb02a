import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from xiaoan.accounts.api_auth import TokenAuth
from xiaoan.accounts.models import AccessToken
from xiaoan.accounts.services import authenticate_token, token_create, token_revoke
from xiaoan.core.errors import InvalidInput, OutOfScope
from xiaoan.orgs.models import Membership
from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import Role


@pytest.fixture
def second_post(city):
    """The teacher also holds a post at kindergarten A2."""
    return Membership.objects.system("test").create(user=city.teacher, unit=city.kindergarten_a2, role=Role.LEADER)


def own_membership(user):
    return Membership.objects.system("test").get(pk=user.active_membership_id)


def test_it_lists_only_the_users_own_memberships(city, second_post):
    response = city.client_for("teacher").get("/accounts/switch/")
    assert {m.pk for m in response.context["memberships"]} == {city.teacher.active_membership_id, second_post.pk}
    assert "宛城区实验幼儿园" in response.content.decode()


def test_it_switches_to_another_own_membership(city, second_post):
    client = city.client_for("teacher")
    response = client.post("/accounts/switch/", {"membership": second_post.pk})
    assert response.status_code == 302
    city.teacher.refresh_from_db()
    assert city.teacher.active_membership_id == second_post.pk
    assert client.get("/accounts/profile/").context["xa_membership"].pk == second_post.pk


def test_it_answers_404_for_another_users_membership(city):
    client = city.client_for("teacher")
    response = client.post("/accounts/switch/", {"membership": city.county_b_admin.active_membership_id})
    assert response.status_code == 404
    city.teacher.refresh_from_db()
    assert city.teacher.active_membership_id != city.county_b_admin.active_membership_id


def test_it_creates_a_token_shown_once_and_stores_only_its_hash(city):
    client = city.client_for("county_a_officer")
    membership = own_membership(city.county_a_officer)
    response = client.post("/accounts/tokens/", {"name": "对接系统", "membership": membership.pk, "days": 90})
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("xa_") and len(plaintext) == 43
    assert plaintext in response.content.decode()
    token = AccessToken.objects.get(user=city.county_a_officer)
    assert token.token_prefix == plaintext[:8]
    assert plaintext not in token.token_hash
    assert plaintext not in client.get("/accounts/tokens/").content.decode()


def test_it_refuses_a_token_for_someone_elses_membership(city):
    with pytest.raises(OutOfScope):
        token_create(user=city.teacher, membership=own_membership(city.county_b_admin), name="x")


def test_it_refuses_an_unnamed_token_or_a_long_lifetime(city):
    membership = own_membership(city.teacher)
    with pytest.raises(InvalidInput):
        token_create(user=city.teacher, membership=membership, name="  ")
    with pytest.raises(InvalidInput):
        token_create(user=city.teacher, membership=membership, name="x", days=400)


def test_a_valid_token_authenticates_as_its_membership(city):
    token, plaintext = token_create(user=city.teacher, membership=own_membership(city.teacher), name="x")
    user, membership = authenticate_token(plaintext)
    assert user == city.teacher
    assert membership.pk == city.teacher.active_membership_id
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_updates_last_used_at_at_most_once_a_minute(city):
    token, plaintext = token_create(user=city.teacher, membership=own_membership(city.teacher), name="x")
    recent = timezone.now() - dt.timedelta(seconds=10)
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    authenticate_token(plaintext)
    token.refresh_from_db()
    assert token.last_used_at == recent


def test_a_revoked_token_is_refused(city):
    token, plaintext = token_create(user=city.teacher, membership=own_membership(city.teacher), name="x")
    token_revoke(user=city.teacher, token=token)
    assert authenticate_token(plaintext) is None


def test_an_expired_token_is_refused(city):
    token, plaintext = token_create(user=city.teacher, membership=own_membership(city.teacher), name="x", days=1)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert authenticate_token(plaintext) is None


def test_a_token_of_an_inactive_user_is_refused(city):
    _token, plaintext = token_create(user=city.teacher, membership=own_membership(city.teacher), name="x")
    city.teacher.is_active = False
    city.teacher.save()
    assert authenticate_token(plaintext) is None


def test_a_token_of_an_ended_membership_is_refused(city):
    membership = own_membership(city.teacher)
    _token, plaintext = token_create(user=city.teacher, membership=membership, name="x")
    Membership.objects.system("test").filter(pk=membership.pk).update(is_active=False)
    assert authenticate_token(plaintext) is None


@pytest.mark.parametrize("plaintext", ["", "xa_short", "Bearer nonsense", "xa_" + "a" * 40])
def test_malformed_or_unknown_tokens_are_refused(db, plaintext):
    assert authenticate_token(plaintext) is None


def test_the_bearer_class_binds_the_tokens_membership_to_the_request(city, second_post):
    _token, plaintext = token_create(user=city.teacher, membership=second_post, name="x")
    request = RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    user = TokenAuth()(request)
    assert user == city.teacher
    assert request.user == city.teacher
    assert active_membership(request.user) == second_post  # not the session's active membership
    assert TokenAuth()(RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION="Bearer xa_wrong")) is None


def test_the_owner_revokes_a_token_on_the_page_and_nobody_else_can(city):
    token, _plaintext = token_create(user=city.teacher, membership=own_membership(city.teacher), name="x")
    assert city.client_for("guard").post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert city.client_for("teacher").post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
