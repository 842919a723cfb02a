import pytest

pytest_plugins = ["xiaoan.core.tests.replica_plugin"]  # transactional tests may use a configured read replica


@pytest.fixture
def city(db):
    """A small city: bureau, counties A and B, schools, and one persona per role (see orgs.testing)."""
    from xiaoan.orgs.testing import build_city

    return build_city()


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: the database is rolled back between tests, caches are not."""
    from django.core.cache import cache

    from xiaoan.core.rules.services import reset_memo

    cache.clear()
    reset_memo()
    yield
