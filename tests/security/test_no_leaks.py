"""Lists, counts, charts and exports of county A contain zero rows of county B (a canary in every module)."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from .authz_matrix import ROUTES, Route
from .targets import CANARY, seed_county_b_canaries
from .test_authz_matrix import call, prepare

LISTS = [key for key, route in ROUTES.items() if route.listing]


def body_text(response: Any) -> str:
    """The response as text: html and json as they are, xlsx cell by cell, pdf through pdftotext."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or content[:2] == b"PK":
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        cells = []
        for name in workbook.sheet_names:
            for row in workbook.get_sheet_by_name(name).to_python():
                cells.extend(str(cell) for cell in row)
        return "\n".join(cells)
    if "pdf" in kind or content[:4] == b"%PDF":
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
        return done.stdout.decode()
    text = content.decode("utf-8")
    if "json" in kind:
        import json

        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


@pytest.fixture
def canaries(mcity):
    seed_county_b_canaries(mcity)
    return mcity


def fetch(city: Any, route: Route, persona: str) -> Any:
    url, data = prepare(city, route)
    return call(city.client_for(persona), route, url, data)


@pytest.mark.parametrize("key", LISTS)
def test_it_shows_county_a_no_row_of_county_b(canaries, key):
    route = ROUTES[key]
    assert route.allowed
    response = fetch(canaries, route, route.allowed)
    assert response.status_code == 200
    assert CANARY not in body_text(response)


@pytest.mark.parametrize(
    ("key", "persona"),
    [
        ("orgs:unit_list", "city_officer"),
        ("risks:export", "city_officer"),
        ("hazards:export_pdf", "city_officer"),
        ("GET /api/v1/hazards", "county_b_officer"),
        ("training:session_export", "county_b_officer"),
        ("students:class_list", "b_principal"),
    ],
)
def test_the_canary_is_seen_from_above_or_inside_county_b(canaries, key, persona):
    """The check can fail: the same lists, read by the city or county B, do show the canary."""
    response = fetch(canaries, ROUTES[key], persona)
    assert response.status_code == 200
    assert CANARY in body_text(response)


def test_it_reads_text_out_of_every_export_format(canaries):
    xlsx = fetch(canaries, ROUTES["orgs:unit_export"], "city_officer")
    pdf = fetch(canaries, ROUTES["orgs:school_directory_pdf"], "city_officer")
    assert "宛城区第一小学" in body_text(xlsx)
    assert "宛城区第一小学" in body_text(pdf)
    assert Client().get("/healthz").status_code == 200
