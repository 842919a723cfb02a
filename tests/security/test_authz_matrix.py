"""Generated from ``authz_matrix.py``: every route × {anonymous, other county, other school, forbidden, allowed}."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .authz_matrix import ROUTES, Route

CASES = [
    pytest.param(key, case, persona, expected, id=f"{key}|{case}")
    for key, route in ROUTES.items()
    for case, persona, expected in route.cases()
]


def url_of(route: Route, kwargs: dict[str, Any]) -> str:
    if not route.is_api:
        return reverse(route.key, kwargs=kwargs)
    path = route.key.split(" ", 1)[1]
    return re.sub(r"\{(\w+)\}", lambda match: str(kwargs.get(match.group(1), kwargs.get("pk"))), path)


def call(client: Client, route: Route, url: str, data: dict[str, Any]) -> Any:
    method = route.http_method
    if route.is_api:
        if method == "GET":
            return client.get(url, data)
        if route.extra.get("form"):
            return client.post(url, data)
        body = json.dumps(data, ensure_ascii=False)
        return client.generic(method, url, body, content_type="application/json")
    if method == "POST":
        return client.post(url, data)
    return client.get(url, data)


def prepare(city: Any, route: Route) -> tuple[str, dict[str, Any]]:
    kwargs = route.target(city) if route.target else {}
    data = route.data(city, kwargs) if route.data else {}
    return url_of(route, kwargs), data


@pytest.mark.parametrize(("key", "case", "persona", "expected"), CASES)
def test_it_answers_each_persona_as_the_matrix_says(mcity, key, case, persona, expected):
    route = ROUTES[key]
    url, data = prepare(mcity, route)
    if case == "wrong_token":
        url = re.sub(r"/r/[^/]+/", "/r/A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v/", url)
    client = Client() if persona is None else mcity.client_for(persona)
    response = call(client, route, url, data)
    assert response.status_code in expected, f"{route.http_method} {url} as {persona or 'anonymous'} ({case})"
    if case == "anonymous" and not route.is_api:
        assert "/accounts/login/" in response["Location"]
    if case == "wrong_token":
        assert "text/html" in response["Content-Type"]


def test_every_signed_in_route_has_an_anonymous_and_an_allowed_case_and_objects_an_outsider():
    for key, route in ROUTES.items():
        names = [case for case, _persona, _expected in route.cases()]
        if route.public:
            assert names[0] == "public", key
            continue
        assert {"anonymous", "allowed"} <= set(names), key
        if route.target is not None and route.scoped:
            assert "other_county" in names, key
    assert len(CASES) <= 5 * len(ROUTES)
