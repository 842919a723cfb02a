"""Test helpers shared by every app: a small city with personas, and the scoped-endpoint contract.

``city`` builds: the city bureau; county A (宛城区) with primary school A1 and kindergarten A2; county B
(卧龙区) with school B1. Personas act as one membership each. An app's endpoint test inherits
``ScopedPageContract`` / ``ScopedApiContract`` and gets the outsider, read-only and anonymous cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from .models import Membership, Unit, User
from .roles import Role, Stage, UnitKind
from .services import _insert_unit

PASSWORD = "Test-pass-2026"


@dataclass
class City:
    root: Unit
    county_a: Unit
    county_b: Unit
    school_a1: Unit
    kindergarten_a2: Unit
    school_b1: Unit
    people: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def client_for(self, persona: str) -> Client:
        client = Client()
        client.force_login(self.people[persona])
        return client


def make_unit(parent: Unit | None, name: str, kind: str, code: str, **extra: Any) -> Unit:
    return _insert_unit(parent=parent, name=name, kind=kind, code=code, **extra)


def make_person(username: str, unit: Unit, role: str, full_name: str = "") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name or username)
    membership = Membership.objects.system("test fixture").create(user=user, unit=unit, role=role)
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    return user


def build_city() -> City:
    root = make_unit(None, "南阳市教育局", UnitKind.CITY_BUREAU, "411300")
    county_a = make_unit(root, "宛城区教育体育局", UnitKind.COUNTY_BUREAU, "411302")
    county_b = make_unit(root, "卧龙区教育体育局", UnitKind.COUNTY_BUREAU, "411303")
    school_a1 = make_unit(
        county_a, "宛城区第一小学", UnitKind.SCHOOL, "2141130201", stage=Stage.PRIMARY, pupils=1200, staff_count=80
    )
    kindergarten_a2 = make_unit(
        county_a, "宛城区实验幼儿园", UnitKind.SCHOOL, "2141130202", stage=Stage.KINDERGARTEN, pupils=300
    )
    school_b1 = make_unit(county_b, "卧龙区第二中学", UnitKind.SCHOOL, "2141130301", stage=Stage.JUNIOR, pupils=1500)
    city = City(root, county_a, county_b, school_a1, kindergarten_a2, school_b1)
    specs = {
        "city_admin": (root, Role.UNIT_ADMIN),
        "city_officer": (root, Role.SAFETY_OFFICER),
        "county_a_admin": (county_a, Role.UNIT_ADMIN),
        "county_a_officer": (county_a, Role.SAFETY_OFFICER),
        "county_b_admin": (county_b, Role.UNIT_ADMIN),
        "county_b_officer": (county_b, Role.SAFETY_OFFICER),
        "viewer": (county_a, Role.VIEWER),
        "school_admin": (school_a1, Role.UNIT_ADMIN),
        "principal": (school_a1, Role.LEADER),
        "teacher": (school_a1, Role.STAFF),
        "guard": (school_a1, Role.GUARD),
    }
    for username, (unit, role) in specs.items():
        city.people[username] = make_person(username, unit, role)
    for username in BUREAU_ADMINS:
        enrol_second_factor(city.people[username])
    return city


# Unit administrators of the city and county bureaus must use TOTP: these personas are enrolled, so that a
# forced sign-in (``client_for``) reaches the pages and a form sign-in asks for a code made from the secret.
BUREAU_ADMINS = ("city_admin", "county_a_admin", "county_b_admin")
TOTP_TEST_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_second_factor(user: User) -> None:
    """Enrol ``user`` in TOTP with the known test secret (codes: ``pyotp.TOTP(TOTP_TEST_SECRET)``)."""
    from xiaoan.accounts.totp import seal

    user.totp_secret = seal(user, TOTP_TEST_SECRET)
    user.totp_confirmed = True
    user.save(update_fields=["totp_secret", "totp_confirmed"])


class ScopedPageContract:
    """Standard cases for a page that shows one object of county A (subclass sets the hooks).

    - ``url_name``: a URL name taking the object's pk;
    - ``make_object(city)``: an object owned by county A or a unit below it;
    - ``insider``: a persona allowed to view it; ``outsider`` one from county B;
    - ``write_url_name`` (optional) with ``write_data``: a POST the ``read_only`` persona may not make.
    """

    url_name: str
    insider = "county_a_officer"
    outsider = "county_b_officer"
    read_only = "viewer"
    write_url_name: str | None = None
    write_data: dict[str, Any] = {}

    def make_object(self, city: City) -> Any:
        raise NotImplementedError

    def url(self, obj: Any) -> str:
        from django.urls import reverse

        return reverse(self.url_name, args=[obj.pk])

    def write_url(self, obj: Any) -> str:
        from django.urls import reverse

        assert self.write_url_name
        return reverse(self.write_url_name, args=[obj.pk])

    def test_it_sends_anonymous_visitors_to_the_login_page(self, city):
        response = Client().get(self.url(self.make_object(city)))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_it_shows_the_object_to_an_insider(self, city):
        response = city.client_for(self.insider).get(self.url(self.make_object(city)))
        assert response.status_code == 200

    def test_it_hides_the_object_from_another_county_with_404(self, city):
        response = city.client_for(self.outsider).get(self.url(self.make_object(city)))
        assert response.status_code == 404

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A page without a write URL gets no write cases (rather than cases that pass by asserting nothing)."""
        super().__init_subclass__(**kwargs)
        for name in (
            "test_it_refuses_writes_by_a_read_only_role_with_403",
            "test_it_hides_writes_from_another_county_with_404",
        ):
            contract_case = ScopedPageContract.__dict__[name]
            inherited = getattr(cls, name)
            if not cls.write_url_name and inherited is contract_case:
                setattr(cls, name, None)
            elif cls.write_url_name and inherited is None:
                # a subclass of a page without writes adds a write URL: it gets the case back
                setattr(cls, name, contract_case)

    def test_it_refuses_writes_by_a_read_only_role_with_403(self, city):
        obj = self.make_object(city)
        response = city.client_for(self.read_only).post(self.write_url(obj), self.write_data)
        assert response.status_code == 403

    def test_it_hides_writes_from_another_county_with_404(self, city):
        obj = self.make_object(city)
        response = city.client_for(self.outsider).post(self.write_url(obj), self.write_data)
        assert response.status_code == 404


class ScopedApiContract:
    """The same cases for an API detail endpoint: 401 anonymous, 404 outsider, 200 insider."""

    path: str  # with "{pk}"
    insider = "county_a_officer"
    outsider = "county_b_officer"

    def make_object(self, city: City) -> Any:
        raise NotImplementedError

    def test_api_answers_anonymous_callers_with_401(self, city):
        response = Client().get(self.path.format(pk=self.make_object(city).pk))
        assert response.status_code == 401

    def test_api_returns_the_object_to_an_insider(self, city):
        obj = self.make_object(city)
        response = city.client_for(self.insider).get(self.path.format(pk=obj.pk))
        assert response.status_code == 200
        assert response.json()["id"] == obj.pk

    def test_api_hides_the_object_from_another_county_with_404(self, city):
        response = city.client_for(self.outsider).get(self.path.format(pk=self.make_object(city).pk))
        assert response.status_code == 404
