"""Fixtures of the security battery: one city per test module, each test rolled back to it."""

from __future__ import annotations

import pytest
from django.db import transaction

from .targets import add_personas


@pytest.fixture(scope="module")
def shared_city(django_db_setup, django_db_blocker):
    """The ``city`` of ``xiaoan.orgs.testing`` with the extra personas, built once per module.

    Like ``TestCase.setUpTestData``: built inside an outer transaction that is rolled back at the end of the
    module, while every test runs in its own savepoint (pytest-django's ``db``) and leaves the city unchanged.
    """
    from xiaoan.orgs.testing import build_city

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield add_personas(build_city())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


UNITS = ("root", "county_a", "county_b", "school_a1", "kindergarten_a2", "school_b1")


@pytest.fixture
def mcity(shared_city, db):
    """The shared city; what a test adds to it in memory (personas, renamed units) is forgotten afterwards,
    as the database rows behind it are rolled back."""
    people = dict(shared_city.people)
    states = {name: dict(getattr(shared_city, name).__dict__) for name in UNITS}
    states.update({f"user:{name}": dict(user.__dict__) for name, user in people.items()})
    yield shared_city
    shared_city.people.clear()
    shared_city.people.update(people)
    for name in UNITS:
        vars(getattr(shared_city, name)).update(states[name])
    for name, user in people.items():
        vars(user).clear()
        vars(user).update(states[f"user:{name}"])
