"""The shell in a real browser: sign in, see only one's own county, switch language and identity, sign out.

The screenshots these tests take are the ones the user guide (docs/guide/) shows; `make guide-images`
refreshes them (tests/e2e/guide.py).
"""

import os
import re
import time

import pyotp
import pytest
from django.urls import reverse

from xiaoan.orgs.models import Membership, User
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import PASSWORD, TOTP_TEST_SECRET, City, build_city

from .guide import screenshot

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Realistic names, so that the guide's screenshots look like the real thing.
FULL_NAMES = {
    "city_admin": "张伟",
    "city_officer": "王芳",
    "county_a_admin": "陈静",
    "county_a_officer": "杨磊",
    "county_b_admin": "赵敏",
    "county_b_officer": "黄涛",
    "viewer": "刘洋",
    "school_admin": "何军",
    "principal": "周秀英",
    "teacher": "徐丽",
    "guard": "孙建军",
}


def named_city() -> City:
    city = build_city()
    for username, full_name in FULL_NAMES.items():
        User.objects.filter(username=username).update(full_name=full_name)
    return city


def sign_in(page, base_url: str, username: str, shot: str | None = None) -> None:
    """Sign in through the login form; a bureau administrator then goes through the real code step."""
    page.goto(base_url + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    if shot:
        screenshot(page, shot)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    if page.url.startswith(base_url + reverse("accounts:second_factor")):
        enter_code(page, base_url)


def enter_code(page, base_url: str, secret: str = TOTP_TEST_SECRET) -> None:
    """Type the code an authenticator app would show for the persona's secret (build_city enrols the bureau
    administrators with a known one).

    A code is accepted once: if this 30-second step's code was already used, the next step's code is within
    the one step of drift the server allows."""
    generator = pyotp.TOTP(secret)
    for code in (generator.now(), generator.at(time.time() + generator.interval)):
        page.fill("input[name=code]", code)
        with page.expect_navigation():
            page.click("form:has(input[name=code]) button[type=submit]")
        if not page.url.startswith(base_url + reverse("accounts:second_factor")):
            return
    raise AssertionError("the second-factor step refused the persona's codes")


def switch_language(page, code: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-testid=language-switch] button[value={code}]")


def test_a_county_officer_signs_in_sees_only_the_own_county_switches_language_and_signs_out(live_server, page):
    named_city()

    sign_in(page, live_server.url, "county_a_officer", shot="login.png")
    assert page.url == live_server.url + reverse("home")
    assert "宛城区教育体育局" in page.inner_text("[data-testid=unit-path]")
    assert page.locator("[data-testid=user-menu]").is_visible()
    screenshot(page, "home-county.png")

    page.goto(live_server.url + reverse("orgs:unit_list"))
    table = page.inner_text("#unit-table")
    assert "宛城区第一小学" in table and "宛城区实验幼儿园" in table
    assert "卧龙区第二中学" not in page.content()
    screenshot(page, "units-list.png")

    switch_language(page, "en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.url.startswith(live_server.url + reverse("orgs:unit_list"))
    home_link = page.inner_text(f"#xa-nav a[href='{reverse('home')}']").strip()
    assert home_link and not CJK.search(home_link), f"navigation still untranslated: {home_link!r}"

    switch_language(page, "zh-hans")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text(f"#xa-nav a[href='{reverse('home')}']").strip() == "首页"

    with page.expect_navigation():
        page.click("[data-testid=logout]")
    assert page.url.startswith(live_server.url + reverse("accounts:login"))
    assert page.locator("input[name=password]").is_visible()
    page.goto(live_server.url + reverse("orgs:unit_list"))
    assert page.url.startswith(live_server.url + reverse("accounts:login")), "signed out, the list needs a sign-in"


def test_the_home_page_fits_a_360_pixel_phone_screen(live_server, page):
    named_city()
    page.set_viewport_size(PHONE)

    sign_in(page, live_server.url, "principal")

    assert "宛城区第一小学" in page.inner_text("[data-testid=unit-path]")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    screenshot(page, "home-phone.png")


def test_a_person_with_two_posts_switches_identity_and_the_unit_path_follows(live_server, page):
    city = named_city()
    Membership.objects.system("test set-up").create(user=city.teacher, unit=city.county_a, role=Role.SAFETY_OFFICER)

    sign_in(page, live_server.url, "teacher")
    assert "宛城区第一小学" in page.inner_text("[data-testid=unit-path]")
    page.goto(live_server.url + reverse("accounts:switch"))
    screenshot(page, "switch.png")
    with page.expect_navigation():
        page.click("[data-testid^=switch-]")

    page.goto(live_server.url + reverse("home"))
    assert "宛城区第一小学" not in page.inner_text("[data-testid=unit-path]")
    assert "安全专干" in page.inner_text(".xa-context")


def test_a_unit_administrator_sees_the_people_of_the_county_and_the_new_account_form(live_server, page):
    named_city()
    page.set_viewport_size(DESKTOP)

    sign_in(page, live_server.url, "county_a_admin")
    page.goto(live_server.url + reverse("orgs:people_list"))
    people = page.inner_text("body")
    assert "杨磊" in people and "徐丽" in people
    assert "黄涛" not in people
    screenshot(page, "people-list.png")

    page.goto(live_server.url + reverse("orgs:person_create"))
    assert page.locator("input[name=username]").is_visible()
    assert page.locator("select[name=role]").is_visible()
    screenshot(page, "person-form.png")


def test_a_county_administrator_opens_the_school_import_page_with_its_column_list(live_server, page):
    named_city()
    page.set_viewport_size(DESKTOP)

    sign_in(page, live_server.url, "county_a_admin")
    page.goto(live_server.url + reverse("tabular:job_new", args=["schools"]))
    assert page.locator("input[type=file]").count() == 1
    assert "学校名称" in page.inner_text("body")
    screenshot(page, "import-schools.png")


def test_a_county_administrator_sets_up_totp_at_the_first_sign_in_and_gives_a_code_at_the_next(live_server, page):
    city = named_city()
    User.objects.filter(pk=city.county_b_admin.pk).update(totp_secret="", totp_confirmed=False)
    page.set_viewport_size(DESKTOP)

    sign_in(page, live_server.url, "county_b_admin")
    assert page.url.startswith(live_server.url + reverse("accounts:totp_setup"))
    assert page.locator("[data-testid=totp-required]").is_visible()
    assert page.locator("[data-testid=totp-qr] svg").count() == 1
    secret = page.inner_text("[data-testid=totp-secret]").strip()
    screenshot(page, "totp-setup.png")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("form:has(input[name=code]) button[type=submit]")
    assert not page.url.startswith(live_server.url + reverse("accounts:totp_setup"))

    with page.expect_navigation():
        page.click("[data-testid=logout]")
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", "county_b_admin")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    assert page.url.startswith(live_server.url + reverse("accounts:second_factor"))
    page.goto(live_server.url + reverse("orgs:people_list"))
    assert page.url.startswith(live_server.url + reverse("accounts:second_factor")), "no page before the code"
    screenshot(page, "second-factor.png")
    enter_code(page, live_server.url, secret)
    assert page.url.startswith(live_server.url + reverse("orgs:people_list"))
    assert "卧龙区教育体育局" in page.inner_text("[data-testid=unit-path]")
