"""A school safety officer grades a risk point with LEC on a phone and sees it in the four-colour distribution.

The screenshots are the ones of the user guide chapter on risk points (docs/guide/02-…).
"""

import os

import pytest
from django.urls import reverse

from xiaoan.orgs.testing import build_city
from xiaoan.risks.models import RiskPoint
from xiaoan.risks.testing import make_risk_point, school_safety_officer

from .guide import screenshot
from .test_shell_browser import sign_in  # the one sign-in helper, code step included

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_a_safety_officer_grades_a_risk_point_by_lec_on_a_phone_and_sees_it_in_the_distribution(live_server, page):
    city = build_city()
    school_safety_officer(city.school_a1, full_name="吴强")
    make_risk_point(city.school_a1, name="校门口上下学交通", lec=("3", "6", "7"))
    page.set_viewport_size(PHONE)
    page.emulate_media(reduced_motion="reduce")  # charts drawn at once, for a stable screenshot
    sign_in(page, live_server.url, "school_officer")

    page.goto(live_server.url + reverse("risks:create"))
    page.fill("input[name=name]", "化学实验室危险化学品")
    page.fill("input[name=place]", "实验楼三楼")
    page.fill("textarea[name=hazard_factors]", "易燃易爆化学品储存不规范")
    page.fill("textarea[name=consequences]", "火灾、爆炸、中毒")
    page.select_option("select[name=likelihood]", "3")
    page.select_option("select[name=exposure]", "6")
    page.select_option("select[name=consequence]", "15")
    assert page.inner_text("[data-grading-preview]") == "D = 270"
    assert page.locator("select[name=level]").is_hidden()
    page.fill("textarea[name=control_measures]", "双人双锁、专柜存放、领用登记")
    page.select_option("select[name=responsible]", label="吴强")
    screenshot(page, "risk-create-phone.png")
    with page.expect_navigation():
        page.click("[data-testid=risk-save]")

    point = RiskPoint.objects.get(name="化学实验室危险化学品")
    assert page.url == live_server.url + point.get_absolute_url()
    assert "270" in page.inner_text("[data-testid=risk-score]")
    assert page.locator("[data-level=orange]").first.is_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], "the detail page scrolls sideways on a phone"

    page.goto(live_server.url + reverse("risks:distribution"))
    assert page.inner_text("[data-count=orange]") == "1"
    assert page.inner_text("[data-count=yellow]") == "1"
    page.wait_for_function("document.querySelector('#risk-pie canvas') !== null")
    screenshot(page, "risk-distribution-phone.png")
