"""Drills in a real browser: a school safety officer plans and records a fire drill with a photo, and the
school's calendar turns green; a county officer sees a school that missed last month in red and drills down."""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image

from xiaoan.compliance.services import refresh_all
from xiaoan.drills.testing import school_officer

from .guide import screenshot
from .test_shell_browser import PHONE, named_city, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_safety_officer_records_a_fire_drill_and_the_month_turns_green(live_server, page):
    city = named_city()
    school_officer(city)
    refresh_all()
    sign_in(page, live_server.url, "school_officer")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("drills:drill_create"))
    page.select_option("select[name=kind]", "fire")
    page.fill("input[name=planned_on]", page.evaluate("new Date().toLocaleDateString('sv-SE')"))
    page.fill("textarea[name=scenario]", "教学楼二楼起火，全体师生疏散至操场。")
    screenshot(page, "drills-plan.png")
    page.click("[data-testid=drill-form] button[type=submit]")
    page.click("[data-testid=drill-record]")
    page.fill("input[name=participants]", "860")
    page.fill("input[name=evacuation_seconds]", "105")
    page.fill("textarea[name=problems]", "三楼东侧楼梯口拥堵")
    page.set_input_files("input[name=photo]", {"name": "drill.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()})
    screenshot(page, "drills-record.png")
    page.click("[data-testid=drill-record-form] button[type=submit]")
    assert page.locator("[data-state=held]").first.is_visible()
    page.goto(live_server.url + reverse("compliance:my_calendar"))
    current = page.locator("[data-obligation='drills.monthly'] [data-current] [data-status]")
    assert current.get_attribute("data-status") == "met"
    screenshot(page, "compliance-calendar.png")


def test_a_county_officer_sees_a_missed_month_in_red_and_drills_down(live_server, page):
    city = named_city()
    refresh_all()
    sign_in(page, live_server.url, "county_a_officer")
    page.goto(live_server.url + reverse("compliance:matrix") + "?period=previous&status=missed")
    row = page.locator(f"[data-school='{city.school_a1.pk}']")
    assert row.locator("[data-status=missed]").first.is_visible()
    screenshot(page, "compliance-matrix.png")
    row.locator("a").first.click()
    page.wait_for_url(f"**{reverse('compliance:calendar', args=[city.school_a1.pk])}")
    assert page.locator("[data-status=missed]").first.is_visible()
