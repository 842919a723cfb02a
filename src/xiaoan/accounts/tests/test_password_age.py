import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from xiaoan.accounts.passwords import password_expired
from xiaoan.accounts.services import password_change
from xiaoan.core.rules.services import rule_set
from xiaoan.orgs.models import User
from xiaoan.orgs.services import user_reset_password
from xiaoan.orgs.testing import PASSWORD

SET_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def frozen(at):
    return mock.patch("django.utils.timezone.now", return_value=at)


@pytest.fixture
def teacher(city):
    User.objects.filter(pk=city.teacher.pk).update(password_changed_at=SET_AT)
    city.teacher.refresh_from_db()
    return city.teacher


def test_it_records_when_a_password_is_set_by_every_path(city):
    assert city.teacher.password_changed_at is not None  # created with a password
    with frozen(SET_AT):
        password_change(user=city.teacher, new_password="Fresh-pass-2027")
    assert User.objects.get(pk=city.teacher.pk).password_changed_at == SET_AT
    later = SET_AT + dt.timedelta(days=3)
    with frozen(later):
        user_reset_password(actor=city.school_admin, user=city.teacher)
    assert User.objects.get(pk=city.teacher.pk).password_changed_at == later


@pytest.mark.parametrize(("days", "expired"), [(29, False), (89, False), (90, True), (400, True)])
def test_a_password_expires_after_ninety_days(teacher, days, expired):
    assert password_expired(teacher, now=SET_AT + dt.timedelta(days=days)) is expired


def test_it_sends_a_user_with_an_expired_password_to_the_password_page_until_it_is_changed(teacher):
    teacher_client = Client()
    with frozen(SET_AT + dt.timedelta(days=89)):
        teacher_client.force_login(teacher)
        assert teacher_client.get("/accounts/profile/").status_code == 200
    with frozen(SET_AT + dt.timedelta(days=91)):
        teacher_client.force_login(teacher)  # sessions last 12 hours: a new sign-in two days later
        response = teacher_client.get("/accounts/profile/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
        page = teacher_client.get("/accounts/password/")
        assert 'data-testid="password-expired"' in page.content.decode()
        new = "Renewed-pass-2026"
        changed = teacher_client.post(
            "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert changed.status_code == 302
        assert teacher_client.get("/accounts/profile/").status_code == 200
    teacher.refresh_from_db()
    assert teacher.password_changed_at == SET_AT + dt.timedelta(days=91)


def test_the_maximum_age_is_a_rule_the_city_can_shorten(teacher, city):
    today = timezone.localdate()
    rule_set(actor=city.city_admin, key="accounts.password_max_age_days", raw_value="60", valid_from=today)
    now = timezone.now()
    User.objects.filter(pk=teacher.pk).update(password_changed_at=now - dt.timedelta(days=61))
    teacher.refresh_from_db()
    assert password_expired(teacher, now=now)
    User.objects.filter(pk=teacher.pk).update(password_changed_at=now - dt.timedelta(days=59))
    teacher.refresh_from_db()
    assert not password_expired(teacher, now=now)


def test_an_account_without_a_usable_password_never_expires(teacher):
    teacher.set_unusable_password()
    assert not password_expired(teacher, now=SET_AT + dt.timedelta(days=1000))
