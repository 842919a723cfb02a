"""A hazard from the teacher's phone to 销号 under the county's 挂牌督办, in a real browser.

A teacher reports a hazard with a photo on a phone-sized screen; the school's safety officer grades it and
assigns the rectification; the deadline passes (set in the past in the database, then the scan job runs); the
county officer sees it overdue and lists it for supervision; the school rectifies with an after-photo; the
county accepts and closes it. The screenshots are the ones the user guide (docs/guide/03-隐患排查治理.md) shows.
"""

import datetime as dt
import io
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from xiaoan.hazards.deadlines import scan_deadlines
from xiaoan.hazards.models import Hazard, State
from xiaoan.hazards.testing import safety_officer
from xiaoan.orgs.models import User

from .guide import screenshot
from .test_shell_browser import DESKTOP, PHONE, named_city, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg(path, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def sign_out(page):
    page.context.clear_cookies()


def test_a_hazard_goes_from_a_teachers_phone_to_closure_under_county_supervision(live_server, page, tmp_path):
    city = named_city()
    officer = safety_officer(city)
    User.objects.filter(pk=officer.pk).update(full_name="吴强")
    base = live_server.url

    # the teacher, on a phone
    page.set_viewport_size(PHONE)
    sign_in(page, base, "teacher")
    page.goto(base + reverse("hazards:list"))
    page.click("[data-testid=report-hazard]")
    page.check("input[name=category][value=fire]")
    page.fill("input[name=place]", "教学楼二楼东侧走廊")
    page.fill("textarea[name=description]", "灭火器压力表指针在红区，已过检验期")
    page.set_input_files("input[name=photos]", jpeg(tmp_path / "before.jpg", "red"))
    screenshot(page, "hazard-report-phone.png")
    with page.expect_navigation():
        page.click("[data-testid=submit-report]")
    hazard = Hazard.objects.system("test").get()
    assert page.inner_text("[data-testid=hazard-state]") == "已登记"
    assert page.locator("[data-testid=photo]").count() == 1
    sign_out(page)

    # the school's safety officer grades it and assigns the rectification
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "school_officer")
    page.goto(base + hazard.get_absolute_url())
    with page.expect_navigation():
        page.click("[data-step=grade]")
    page.check("input[name=grade][value=general]")
    with page.expect_navigation():
        page.click("[data-testid=submit-step]")
    with page.expect_navigation():
        page.click("[data-step=assign]")
    page.select_option("select[name=responsible]", str(officer.pk))
    page.fill("input[name=responsible_post]", "安全副校长")
    page.fill("textarea[name=measures]", "更换灭火器并张贴检验标签")
    page.fill("input[name=deadline]", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    screenshot(page, "hazard-assign.png")
    with page.expect_navigation():
        page.click("[data-testid=submit-step]")
    assert page.inner_text("[data-testid=hazard-state]") == "整改中"
    sign_out(page)

    # the deadline passes; the scan job flags it and tells the county
    past = timezone.localdate() - dt.timedelta(days=3)
    Hazard.objects.system("test: the clock moved on").filter(pk=hazard.pk).update(deadline=past)
    assert scan_deadlines()["overdue"] == 1

    # the county officer sees it overdue and lists it for supervision
    sign_in(page, base, "county_a_officer")
    page.goto(base + reverse("hazards:list") + "?overdue=1")
    assert hazard.number in page.inner_text("[data-testid=hazard-table]")
    screenshot(page, "hazard-list-overdue.png")
    page.goto(base + hazard.get_absolute_url())
    assert page.locator("[data-testid=overdue-badge]").is_visible()
    with page.expect_navigation():
        page.click("[data-step=supervise]")
    page.select_option("select[name=leader]", str(city.county_a_officer.pk))
    page.fill("input[name=deadline]", (timezone.localdate() + dt.timedelta(days=10)).isoformat())
    with page.expect_navigation():
        page.click("[data-testid=submit-step]")
    assert page.locator("[data-testid=supervised-badge]").is_visible()
    screenshot(page, "hazard-supervised.png")
    sign_out(page)

    # the school rectifies and asks for acceptance with an after-photo
    page.set_viewport_size(PHONE)
    sign_in(page, base, "school_officer")
    page.goto(base + hazard.get_absolute_url())
    with page.expect_navigation():
        page.click("[data-step=request_acceptance]")
    page.set_input_files("input[name=photos]", jpeg(tmp_path / "after.jpg", "green"))
    with page.expect_navigation():
        page.click("[data-testid=submit-step]")
    assert page.inner_text("[data-testid=hazard-state]") == "待验收"
    sign_out(page)

    # the county accepts and closes it
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "county_a_officer")
    page.goto(base + hazard.get_absolute_url())
    with page.expect_navigation():
        page.click("[data-step=accept_supervised]")
    with page.expect_navigation():
        page.click("[data-step=close_supervised]")
    assert page.inner_text("[data-testid=hazard-state]") == "已销号"
    screenshot(page, "hazard-closed.png")
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED
    assert hazard.supervisions.get().status == "closed"
