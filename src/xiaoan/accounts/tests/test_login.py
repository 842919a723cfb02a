import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiaoan.accounts.middleware import IDLE_KEY
from xiaoan.accounts.models import LoginThrottle
from xiaoan.core.audit.models import AuditEvent, AuditKind
from xiaoan.orgs.testing import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def error_of(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_it_shows_the_login_page_in_chinese_with_the_language_switch(db):
    response = Client().get(LOGIN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "登录您的账号" in body
    assert 'data-testid="language-switch"' in body


def test_it_signs_a_user_in_and_records_the_login(city):
    client = Client()
    response = sign_in(client, "teacher")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    event = AuditEvent.objects.filter(kind=AuditKind.LOGIN, actor=city.teacher).get()
    assert event.ip == "10.0.0.1"
    assert event.unit_path == city.school_a1.path


def test_it_records_a_failed_login_with_the_username_tried(city):
    response = sign_in(Client(), "teacher", "wrong-Password-1")
    assert response.status_code == 200
    assert "用户名或密码不正确" in error_of(response)
    event = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert event.username == "teacher"
    assert event.actor is None
    assert event.unit_path == city.school_a1.path  # visible to the school's administrators


def test_it_locks_an_account_after_five_failures_even_for_the_right_password(city):
    for attempt in range(5):
        sign_in(Client(), "teacher", "wrong-Password-1", ip=f"10.0.1.{attempt}")
    response = sign_in(Client(), "teacher", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 200
    assert "登录失败次数过多" in error_of(response)
    assert "_auth_user_id" not in response.wsgi_request.session
    assert AuditEvent.objects.filter(kind=AuditKind.LOCKOUT, username="teacher").exists()


def test_it_unlocks_the_account_after_the_lock_period(city):
    for attempt in range(5):
        sign_in(Client(), "teacher", "wrong-Password-1", ip=f"10.0.1.{attempt}")
    LoginThrottle.objects.filter(key="user:teacher").update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    response = sign_in(Client(), "teacher", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 302


def test_it_does_not_lock_after_four_failures(city):
    for attempt in range(4):
        sign_in(Client(), "teacher", "wrong-Password-1", ip=f"10.0.1.{attempt}")
    assert sign_in(Client(), "teacher", PASSWORD, ip="10.0.2.1").status_code == 302


def test_it_locks_a_client_address_that_tries_many_accounts(city):
    for username in ["guard", "principal", "nobody", "viewer", "teacher"]:
        sign_in(Client(), username, "wrong-Password-1", ip="10.9.9.9")
    response = sign_in(Client(), "county_a_officer", PASSWORD, ip="10.9.9.9")
    assert "登录失败次数过多" in error_of(response)
    assert sign_in(Client(), "county_a_officer", PASSWORD, ip="10.9.9.10").status_code == 302


def test_it_gives_the_same_lock_message_whether_or_not_the_account_exists(city):
    for attempt in range(5):
        sign_in(Client(), "teacher", "wrong-Password-1", ip=f"10.0.1.{attempt}")
        sign_in(Client(), "no-such-user", "wrong-Password-1", ip=f"10.0.3.{attempt}")
    existing = sign_in(Client(), "teacher", "wrong-Password-1", ip="10.0.4.1")
    missing = sign_in(Client(), "no-such-user", "wrong-Password-1", ip="10.0.4.2")
    assert error_of(existing) == error_of(missing)
    assert "登录失败次数过多" in error_of(existing)


def test_it_gives_the_same_failure_message_for_an_unknown_user_and_a_wrong_password(city):
    assert error_of(sign_in(Client(), "teacher", "wrong-Password-1")) == error_of(
        sign_in(Client(), "no-such-user", "wrong-Password-1")
    )


def test_it_refuses_an_inactive_account_with_the_ordinary_message(city):
    city.teacher.is_active = False
    city.teacher.save()
    assert "用户名或密码不正确" in error_of(sign_in(Client(), "teacher"))


def test_it_only_signs_out_on_post_and_records_it(city):
    client = city.client_for("teacher")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind=AuditKind.LOGOUT, actor=city.teacher).exists()


def test_it_signs_out_an_idle_session_and_says_why(city):
    client = city.client_for("teacher")
    assert client.get("/accounts/profile/").status_code == 200
    session = client.session
    session[IDLE_KEY] = int(timezone.now().timestamp()) - 31 * 60
    session.save()
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    page = client.get(response["Location"])
    assert "因长时间未操作已退出" in page.content.decode()
    event = AuditEvent.objects.get(kind=AuditKind.LOGOUT, actor=city.teacher)
    assert event.detail == {"reason": "idle"}


def test_it_keeps_an_active_session(city):
    client = city.client_for("teacher")
    client.get("/accounts/profile/")
    session = client.session
    session[IDLE_KEY] = int(timezone.now().timestamp()) - 29 * 60
    session.save()
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.parametrize("path", ["/accounts/profile/", "/accounts/tokens/", "/audit/"])
def test_it_sends_anonymous_visitors_to_the_login_page(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
