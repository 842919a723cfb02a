"""Every route is in the authorization matrix: a new page or API operation without an entry fails here."""

from __future__ import annotations

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .authz_matrix import EXEMPT, ROUTES

API_OPERATION_NAMES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """The name of every URL pattern, with its namespaces (``hazards:detail``), walking includes recursively."""
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            names |= url_names(pattern, inner or namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"unnamed URL pattern {pattern.pattern} cannot be listed in the matrix"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def page_names() -> set[str]:
    """URL names of pages; API operations are checked against the OpenAPI document instead."""
    return {name for name in url_names() if not name.startswith("api:") or name in API_OPERATION_NAMES}


def api_operations() -> set[str]:
    document = Client().get("/api/v1/openapi.json").json()
    return {f"{method.upper()} {path}" for path, operations in document["paths"].items() for method in operations}


def missing_from(listed: set[str]) -> set[str]:
    return (page_names() | api_operations()) - listed - set(EXEMPT)


def test_it_lists_every_url_pattern_in_the_matrix_or_the_allow_list():
    missing = page_names() - set(ROUTES) - set(EXEMPT)
    assert not missing, f"add these URL names to tests/security/authz_matrix.py: {sorted(missing)}"


def test_it_lists_every_api_operation_in_the_matrix():
    missing = api_operations() - set(ROUTES)
    assert not missing, f"add these API operations to tests/security/authz_matrix.py: {sorted(missing)}"


def test_it_has_no_stale_entries_for_routes_that_no_longer_exist():
    known = page_names() | api_operations()
    assert not (set(ROUTES) | set(EXEMPT)) - known


def test_it_finds_the_api_operations_through_the_openapi_document():
    operations = api_operations()
    assert "GET /api/v1/hazards/{hazard_id}" in operations
    assert len(operations) >= 25


def test_it_would_notice_a_page_or_an_operation_dropped_from_the_matrix():
    dropped = {"hazards:detail", "GET /api/v1/hazards/{hazard_id}"}
    assert missing_from(set(ROUTES) - dropped) == dropped
    assert missing_from(set(ROUTES)) == set()
