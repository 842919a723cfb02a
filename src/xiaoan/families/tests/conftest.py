import pytest


@pytest.fixture
def roster(city):
    from xiaoan.families.testing import build_roster

    return build_roster(city)
