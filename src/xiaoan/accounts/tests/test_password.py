import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from xiaoan.accounts.services import password_change
from xiaoan.core.audit.models import AuditEvent, AuditKind
from xiaoan.core.errors import InvalidInput
from xiaoan.orgs.models import User
from xiaoan.orgs.testing import PASSWORD


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1#xyz", "password_too_short"),
        ("abcdefgh12", "password_too_simple"),  # two character classes
        ("Teacher-2026", None),
    ],
)
def test_it_applies_the_password_policy(city, password, code):
    if code is None:
        validate_password(password, city.teacher)
        return
    with pytest.raises(ValidationError) as exc:
        validate_password(password, city.teacher)
    assert code in {error.code for error in exc.value.error_list}


def test_it_refuses_a_password_equal_to_the_user_name(db):
    user = User(username="Zhang.San-2026")
    with pytest.raises(ValidationError) as exc:
        validate_password("zhang.san-2026", user)
    assert "password_is_username" in {error.code for error in exc.value.error_list}
    assert any("用户名" in message for message in exc.value.messages)


def test_it_sends_a_user_with_a_temporary_password_to_the_password_page_everywhere(city):
    city.teacher.must_change_password = True
    city.teacher.save()
    client = city.client_for("teacher")
    for path in ["/", "/accounts/profile/", "/audit/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/password/")
    assert client.get("/accounts/password/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_it_lifts_the_forced_change_once_the_password_is_changed(city):
    city.teacher.must_change_password = True
    city.teacher.save()
    client = city.client_for("teacher")
    new = "Fresh-pass-2027"
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    city.teacher.refresh_from_db()
    assert not city.teacher.must_change_password
    assert city.teacher.check_password(new)
    assert client.get("/accounts/profile/").status_code == 200  # the session survived the change
    assert AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED, actor=city.teacher).exists()


def test_it_rejects_a_weak_new_password_on_the_page(city):
    client = city.client_for("teacher")
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "teacher", "new_password2": "teacher"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    city.teacher.refresh_from_db()
    assert city.teacher.check_password(PASSWORD)


def test_the_service_refuses_a_password_that_breaks_the_policy(city):
    with pytest.raises(InvalidInput):
        password_change(user=city.teacher, new_password="short")
