import re
from pathlib import Path

import pytest
from django.test import Client

SOURCE = Path(__file__).resolve().parents[2]  # src/xiaoan
CSP_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
]

# <script> without src, unless it is data (json_script renders type="application/json", which never runs)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type\s*=\s*[\"']application/(?:ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|hx-on[\w:.-]*)\s*=", re.S)  # hx-on runs code too
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def assert_secure_headers(response):
    policy = response["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in policy
    assert "'unsafe-eval'" not in policy
    script_src = next(item for item in policy.split(";") if item.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert response["Permissions-Policy"].startswith("camera=(self), geolocation=(), microphone=()")
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_a_signed_in_page_carries_the_security_headers_and_no_inline_script(city):
    response = city.client_for("teacher").get("/")
    assert response.status_code == 200
    assert_secure_headers(response)
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body) and not EVENT_HANDLER.search(body)
    assert 'src="/static/xiaoan/xiaoan.js" defer' in body


def test_the_login_page_carries_the_security_headers(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.parametrize("who", ["anonymous", "county_a_officer"])
def test_api_responses_carry_the_security_headers(city, who):
    client = Client() if who == "anonymous" else city.client_for(who)
    response = client.get("/api/v1/units")
    assert response.status_code == (401 if who == "anonymous" else 200)
    assert_secure_headers(response)


def test_production_adds_hsts_on_https(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def inline_code(text):
    """(line, snippet) of every inline script, event-handler attribute or javascript: URL in ``text``."""
    found = []
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL):
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, match.group(0)[:80]))
    return found


def test_the_template_check_finds_each_kind_of_inline_code():
    sample = (
        '<script>alert(1)</script>\n<button class="x"\n onclick="go()">\n<a href="javascript:void(0)">'
        '<script src="/static/a.js" defer></script><script type="application/json">{}</script>'
        '<p>the word onclick= in prose is not a tag</p>\n<form hx-on:submit="x()">'
    )
    assert sorted(line for line, _snippet in inline_code(sample)) == [1, 2, 4, 5]


def test_no_template_contains_inline_scripts_or_event_handler_attributes():
    templates = sorted(SOURCE.rglob("*.html"))
    assert any(path.name == "base.html" for path in templates)
    offenders = [
        f"{path.relative_to(SOURCE)}:{line}: {snippet}"
        for path in templates
        for line, snippet in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "inline code is blocked by the Content-Security-Policy; move it to a static .js file"
