import pytest


@pytest.fixture
def city(db):
    """A small city: bureau, counties A and B, schools, and one persona per role (see orgs.testing)."""
    from xiaoan.orgs.testing import build_city

    return build_city()
