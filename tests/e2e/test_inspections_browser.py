"""Inspections in a real browser: a school safety officer fills the monthly fire-facility check on a phone,
marks one item failed with a photo, submits, and opens the hazard it generated."""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image

from xiaoan.inspections import links
from xiaoan.inspections.models import Frequency
from xiaoan.inspections.testing import make_plan, system_template
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import make_person

from .guide import screenshot
from .test_shell_browser import PHONE, named_city, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILED = "灭火器压力指针在绿区"


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (220, 60, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_safety_officer_fills_the_monthly_fire_check_on_a_phone_and_sees_the_generated_hazard(live_server, page):
    city = named_city()
    make_person("safety_officer", city.school_a1, Role.SAFETY_OFFICER, "吴强")
    make_plan(city.school_a1, system_template("monthly-fire"), Frequency.MONTHLY, assignee_role=Role.SAFETY_OFFICER)
    if links.assets_available():
        from xiaoan.assets.testing import make_asset

        make_asset(city.school_a1, kind="extinguisher", location="教学楼一层东侧走廊", name="MFZ/ABC4 干粉灭火器")

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "safety_officer")
    page.goto(live_server.url + reverse("inspections:due"))
    assert "每月消防设施检查" in page.inner_text("[data-testid=due-list]")
    screenshot(page, "inspections-due.png")
    page.click("[data-testid=start-plan]")

    for label in page.locator("label.btn-outline-success").all():
        label.click()
    page.fill("input[type=number]", "90")
    failed = page.locator(f"[data-item='{FAILED}']")
    failed.locator("label.btn-outline-danger").click()
    failed.locator("summary").click()
    failed.locator("input[name$=-note]").fill("一楼东侧走廊2号灭火器压力不足")
    failed.locator("input[name$=-place]").fill("教学楼一层东侧走廊")
    failed.locator("input[type=file]").set_input_files(
        {"name": "灭火器.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    failed.scroll_into_view_if_needed()
    screenshot(page, "inspections-fill.png", full_page=False)
    page.click("[data-testid=submit]")

    assert page.inner_text("[data-testid=state]") == "已提交"
    hazard_link = page.locator("[data-testid=hazard-link]")
    assert hazard_link.count() == (1 if links.hazards_available() else 0)
    screenshot(page, "inspections-submitted.png")
    if links.hazards_available():
        hazard_link.click()
        page.wait_for_url("**/hazards/**")
        assert "一楼东侧走廊2号灭火器压力不足" in page.content()
        screenshot(page, "inspections-hazard.png")


def test_a_county_officer_launches_a_campaign_and_follows_its_completion_per_school(live_server, page):
    import datetime as dt

    from django.utils import timezone

    from xiaoan.inspections import services
    from xiaoan.inspections.testing import fill

    city = named_city()
    system_template("daily-patrol")  # a flushing browser test may have removed the migration's templates
    sign_in(page, live_server.url, "county_a_officer")
    page.goto(live_server.url + reverse("inspections:campaign_create"))
    page.fill("input[name=title]", "校园窨井盖安全专项整治")
    page.select_option("select[name=topic]", "manholes")
    page.select_option("select[name=template]", label="校园日常巡查")
    today = timezone.localdate()
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + dt.timedelta(days=14)).isoformat())
    page.fill("textarea[name=requirements]", "各校全面排查校园内窨井盖，发现破损、缺失立即设置警示并整改。")
    screenshot(page, "inspections-campaign-form.png")
    page.click("[data-testid=campaign-form] button[type=submit]")
    assert page.locator("[data-testid=completion]").is_visible()

    from xiaoan.inspections.models import Campaign

    campaign = Campaign.objects.system("test").get(title="校园窨井盖安全专项整治")
    inspection = services.inspection_start(actor=city.principal, school=city.school_a1, campaign=campaign)
    fill(city.principal, inspection)
    services.inspection_submit(actor=city.principal, inspection=inspection)
    page.reload()
    assert "1" in page.inner_text("[data-testid=completion-row] >> nth=0")
    schools = page.inner_text("[data-testid=school-status]")
    assert "宛城区第一小学" in schools and "按时提交" in schools and "尚未提交" in schools
    screenshot(page, "inspections-campaign.png")
