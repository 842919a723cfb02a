"""The navigation bar in a real browser: a few headings on one line, menus that open without JavaScript's help
and close when the user clicks elsewhere, and the same menus inside the phone's collapsed bar."""

import os

import pytest
from django.urls import reverse

from xiaoan.risks.testing import school_safety_officer

from .test_shell_browser import DESKTOP, PHONE, named_city, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bar_holds_on_one_line_and_a_menu_leads_to_its_module(live_server, page):
    city = named_city()
    school_safety_officer(city.school_a1)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "school_officer")

    heights = page.eval_on_selector_all("#xa-nav > .navbar-nav > .nav-item", "items => items.map(i => i.offsetTop)")
    assert len(heights) == 7 and len(set(heights)) == 1, f"the bar wraps: {heights}"
    risks = page.locator('[data-nav="risks"]')
    assert not risks.is_visible()
    page.click('[data-nav-group="prevention"] summary')
    assert risks.is_visible()
    page.click("main, .page-wrapper", position={"x": 5, "y": 5})
    assert not risks.is_visible(), "a click elsewhere closes the menu"

    page.click('[data-nav-group="prevention"] summary')
    page.click('[data-nav-group="drills"] summary')
    assert not risks.is_visible() and page.locator('[data-nav="education"]').is_visible(), "one menu open at a time"
    page.click('[data-nav-group="prevention"] summary')
    with page.expect_navigation():
        risks.click()
    assert page.url == live_server.url + reverse("risks:list")


def test_on_a_phone_the_menus_open_inside_the_collapsed_bar(live_server, page):
    city = named_city()
    school_safety_officer(city.school_a1)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "school_officer")

    page.click("[data-xa-toggle]")
    page.click('[data-nav-group="families"] summary')
    letters = page.locator('[data-nav="families.letters"]')
    assert letters.is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the open menu makes the page {overflow}px wider than the phone"
    with page.expect_navigation():
        letters.click()
    assert page.url == live_server.url + reverse("families:letter_list")
