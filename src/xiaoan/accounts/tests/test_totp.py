import pyotp
import pytest
from django.core.cache import cache
from django.test import Client

from xiaoan.accounts import totp
from xiaoan.accounts.services import totp_begin, totp_confirm
from xiaoan.core.audit.models import AuditEvent, AuditKind
from xiaoan.orgs.models import User
from xiaoan.orgs.testing import PASSWORD


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the replay guard remembers used codes


def enable_totp(user) -> pyotp.TOTP:
    secret = totp_begin(user=user)
    code = pyotp.TOTP(secret).now()
    totp_confirm(user=user, code=code)
    cache.clear()
    return pyotp.TOTP(secret)


def test_it_stores_the_secret_encrypted_and_bound_to_the_user(city):
    secret = totp_begin(user=city.teacher)
    stored = User.objects.get(pk=city.teacher.pk).totp_secret
    assert secret not in stored
    assert len(stored) == 64
    assert totp.unseal(city.teacher, stored) == secret
    with pytest.raises(ValueError):
        totp.unseal(city.guard, stored)


def test_it_enables_totp_from_the_profile_with_a_qr_code(city):
    client = city.client_for("teacher")
    page = client.get("/accounts/totp/setup/")
    body = page.content.decode()
    assert "<svg" in body
    secret = page.context["secret"]
    assert secret in body
    assert client.get("/accounts/totp/setup/").context["secret"] == secret  # a reload keeps the same secret
    wrong = client.post("/accounts/totp/setup/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not User.objects.get(pk=city.teacher.pk).totp_confirmed
    response = client.post("/accounts/totp/setup/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert User.objects.get(pk=city.teacher.pk).totp_confirmed
    assert AuditEvent.objects.filter(kind=AuditKind.TOTP_ENABLED, actor=city.teacher).exists()


def test_it_asks_for_the_code_before_the_session_is_usable(city):
    generator = enable_totp(city.teacher)
    client = Client()
    response = client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/second-factor/")
    for path in ["/", "/accounts/profile/", "/api/v1/"]:
        blocked = client.get(path)
        assert blocked.status_code in (302, 401)
        if blocked.status_code == 302:
            assert blocked["Location"].startswith("/accounts/second-factor/")
    refused = client.post("/accounts/second-factor/", {"code": "123456"})
    assert refused.status_code == 200
    assert "动态口令不正确" in refused.content.decode()
    assert client.get("/accounts/profile/").status_code == 302
    passed = client.post("/accounts/second-factor/", {"code": generator.now()})
    assert passed.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    assert AuditEvent.objects.filter(kind=AuditKind.LOGIN_FAILED, detail__stage="totp").count() == 1


def test_it_accepts_a_code_only_once(city):
    generator = enable_totp(city.teacher)
    code = generator.now()
    assert totp.verify(city.teacher, code)
    assert not totp.verify(city.teacher, code)


def test_it_signs_out_and_locks_after_five_wrong_codes(city):
    enable_totp(city.teacher)
    client = Client()
    client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    for _ in range(5):
        response = client.post("/accounts/second-factor/", {"code": "000000"})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    again = client.post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    assert "登录失败次数过多" in again.content.decode()


@pytest.mark.parametrize("persona", ["city_admin", "county_a_admin", "county_b_admin"])
def test_it_sends_a_bureau_administrator_without_totp_to_the_setup_page(city, persona):
    admin = city.people[persona]
    admin.totp_secret, admin.totp_confirmed = "", False
    admin.save(update_fields=["totp_secret", "totp_confirmed"])
    client = city.client_for(persona)
    for path in ["/", "/accounts/profile/", "/accounts/tokens/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/totp/setup/")
    page = client.get("/accounts/totp/setup/")
    assert 'data-testid="totp-required"' in page.content.decode()
    client.post("/accounts/totp/setup/", {"code": pyotp.TOTP(page.context["secret"]).now()})
    assert client.get("/accounts/profile/").status_code == 200


def test_it_does_not_force_totp_on_a_school_administrator(city):
    assert not city.school_admin.totp_confirmed
    assert city.client_for("school_admin").get("/accounts/profile/").status_code == 200


@pytest.mark.parametrize("persona", ["city_admin", "county_a_admin"])
def test_a_bureau_administrator_may_not_turn_totp_off(city, persona):
    from xiaoan.orgs.testing import TOTP_TEST_SECRET

    generator = pyotp.TOTP(TOTP_TEST_SECRET)  # the persona is enrolled by build_city
    client = city.client_for(persona)
    assert 'action="/accounts/totp/disable/"' not in client.get("/accounts/profile/").content.decode()
    response = client.post("/accounts/totp/disable/", {"code": generator.now()})
    assert response.status_code == 400
    assert User.objects.get(pk=city.people[persona].pk).totp_confirmed


def test_a_teacher_may_turn_totp_off_with_a_current_code(city):
    generator = enable_totp(city.teacher)
    client = city.client_for("teacher")
    assert client.post("/accounts/totp/disable/", {"code": generator.now()}).status_code == 302
    user = User.objects.get(pk=city.teacher.pk)
    assert not user.totp_confirmed and not user.totp_secret
