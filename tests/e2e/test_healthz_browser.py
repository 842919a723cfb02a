import json

import pytest

pytestmark = pytest.mark.browser


def test_health_check_answers_ok_in_a_real_browser(live_server, page):
    response = page.goto(f"{live_server.url}/healthz")

    assert response is not None
    assert response.status == 200
    body = json.loads(page.locator("body").inner_text())
    assert body["status"] == "ok"
    assert body["database"] is True
    assert body["queue"] is True
