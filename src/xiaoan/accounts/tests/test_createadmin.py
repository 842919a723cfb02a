import pytest
from django.core.management import CommandError, call_command

from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import Role, UnitKind


def test_it_creates_the_root_unit_and_its_administrator_on_an_empty_tree(db):
    call_command(
        "createadmin",
        username="admin",
        full_name="张三",
        password="Admin-pass-2026",
        create_root="南阳市教育局",
        code="411300",
    )
    root = Unit.objects.get(code="411300")
    assert root.kind == UnitKind.CITY_BUREAU and root.parent is None and root.path
    user = User.objects.get(username="admin")
    assert user.check_password("Admin-pass-2026")
    assert user.active_membership.unit == root and user.active_membership.role == Role.UNIT_ADMIN


def test_it_makes_an_administrator_of_an_existing_unit(city):
    call_command("createadmin", username="wc_admin", full_name="李四", password="Admin-pass-2026", unit_code="411302")
    membership = Membership.objects.system("test").get(user__username="wc_admin")
    assert membership.unit == city.county_a and membership.role == Role.UNIT_ADMIN


def test_it_refuses_a_second_root(city):
    with pytest.raises(CommandError):
        call_command(
            "createadmin", username="x", full_name="x", password="Admin-pass-2026", create_root="另一个", code="411400"
        )


def test_it_refuses_a_password_that_breaks_the_policy(city):
    with pytest.raises(CommandError):
        call_command("createadmin", username="weak", full_name="x", password="weakpass", unit_code="411302")
    assert not User.objects.filter(username="weak").exists()


def test_it_refuses_an_unknown_unit_code(city):
    with pytest.raises(CommandError):
        call_command("createadmin", username="x", full_name="x", password="Admin-pass-2026", unit_code="999999")


def test_it_prompts_for_the_password_when_none_is_given(city, monkeypatch):
    answers = iter(["Prompted-pass-2026", "Prompted-pass-2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createadmin", username="prompted", full_name="王五", unit_code="411303")
    assert User.objects.get(username="prompted").check_password("Prompted-pass-2026")
