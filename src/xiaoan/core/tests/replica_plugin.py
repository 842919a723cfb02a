"""pytest plugin (loaded by the root conftest): with a read replica configured, transactional tests may use it.

`make test` runs the PostgreSQL stage with a streaming replica (``scripts/with_postgres.py --replica``), so the
replica-marked pages (home-page widgets, ledger exports) read the ``replica`` alias there, also in browser tests
through the live server. Django refuses any alias a test does not list, so every transactional test gets the
replica added to its databases. The replica mirrors the test database (``TEST["MIRROR"]``) and replays the
primary synchronously, so this changes which connection serves a marked read, not what it sees. Tests that run in
a rolled-back transaction need nothing: the router keeps reads inside a transaction on the primary.
"""

from __future__ import annotations

from typing import Any

import pytest

REPLICA = "replica"
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from django.conf import settings

    if REPLICA not in settings.DATABASES:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        options: dict[str, Any] = dict(marker.kwargs) if marker else {}
        transactional = options.get("transaction") or TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ()))
        databases = options.get("databases") or ["default"]
        if not transactional or databases == "__all__" or REPLICA in databases:
            continue
        options.update(transaction=True, databases=[*databases, REPLICA])
        item.add_marker(pytest.mark.django_db(**options), append=False)
