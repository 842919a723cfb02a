"""Browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser build).

`browser` is one headless Chromium for the whole session; `page` is a fresh context (cookies,
storage) per test, in Chinese and the Asia/Shanghai time zone like our users. Combine `page` with
pytest-django's `live_server`. Playwright runs an event loop in the test thread, so Django's
async-safety check must be relaxed for the database calls the tests make
(DJANGO_ALLOW_ASYNC_UNSAFE, also set by `make test`).

Tests sign in with `test_shell_browser.sign_in`: the real login form and, for the bureau administrators
(who must use TOTP), the real code step with a code made from the persona's known secret.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("XIAOAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Browser tests need Debian's chromium package: run `make install` "
            "(or set XIAOAN_CHROMIUM to the browser executable). Never run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()
