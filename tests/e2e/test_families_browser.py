"""Letters to parents in a real browser at phone width: a guardian confirms from the personal link, the class
teacher sees the rate move and records two paper receipts, the county officer sees rates without names.

The screenshots are the ones the user guide chapter 08 shows.
"""

import os

import pytest
from django.urls import reverse

from xiaoan.families.testing import build_roster, published_letter, token_of

from .guide import screenshot
from .test_shell_browser import PHONE, named_city, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"


def test_a_guardian_confirms_the_teacher_records_paper_receipts_and_the_county_sees_only_rates(live_server, browser):
    city = named_city()
    roster = build_roster(city)
    letter = published_letter(city)
    token = token_of(letter, roster.pupils["zhang"])

    guardian = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE).new_page()
    guardian.goto(live_server.url + reverse("families:receipt", args=[token]))
    assert "张*明" in guardian.inner_text("[data-testid=receipt-pupil]")
    assert "张小明" not in guardian.content()
    no_horizontal_scroll(guardian)
    screenshot(guardian, "families-receipt-phone.png")
    for box in guardian.locator("input[name=item]").all():
        box.check()
    with guardian.expect_navigation():
        guardian.click("[data-testid=receipt-confirm]")
    assert "回执已提交" in guardian.inner_text("[data-testid=receipt-done]")
    assert not guardian.context.cookies(), "the receipt page sets no cookie"
    screenshot(guardian, "families-receipt-done-phone.png")
    guardian.context.close()

    teacher = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE).new_page()
    sign_in(teacher, live_server.url, "teacher")
    teacher.goto(live_server.url + letter.get_absolute_url())
    assert "33.3%" in teacher.inner_text("[data-testid=rate-table]")  # 1 of the 3 pupils of 三年级（1）班
    with teacher.expect_navigation():
        teacher.click("[data-testid=rate-table] a:has-text('三年级（1）班')")
    for name in ("王小红", "赵小刚"):
        teacher.check(f"input[aria-label='{name}']")
    teacher.select_option("select[name=channel]", "paper")
    no_horizontal_scroll(teacher)
    screenshot(teacher, "families-class-teacher-phone.png")
    with teacher.expect_navigation():
        teacher.click("[data-testid=record-submit]")
    assert "100.0%" in teacher.inner_text("[data-testid=class-rate]")
    assert teacher.locator("[data-testid=receipt-row][data-state=pending]").count() == 0
    teacher.context.close()

    officer = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE).new_page()
    sign_in(officer, live_server.url, "county_a_officer")
    officer.goto(live_server.url + letter.get_absolute_url())
    table = officer.inner_text("[data-testid=rate-table]")
    assert "宛城区第一小学" in table and "60.0%" in table  # 3 of the school's 5 pupils
    assert "卧龙区第二中学" not in table
    body = officer.inner_text("body")
    assert not any(name in body for name in ("张小明", "王小红", "刘晓东", "陈思思"))
    no_horizontal_scroll(officer)
    screenshot(officer, "families-county-phone.png")
    officer.context.close()


def test_a_county_officer_writes_from_the_template_and_publishes(live_server, page):
    from .test_shell_browser import DESKTOP

    city = named_city()
    build_roster(city)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "county_a_officer")
    page.goto(live_server.url + reverse("families:letter_list"))
    with page.expect_navigation():
        page.click("[data-testid=from-template-drowning]")
    assert "防溺水“六不”" in page.input_value("textarea[name=body]")
    page.fill("input[name=deadline]", "2099-07-10")
    screenshot(page, "families-letter-form.png")
    with page.expect_navigation():
        page.click("[data-testid=letter-save]")
    with page.expect_navigation():
        page.click("[data-testid=letter-publish]")
    page.goto(page.url)
    assert "已发布" in page.inner_text("[data-testid=letter-state]")
    assert "应回执 5" in page.inner_text("[data-testid=rate-total]")
    screenshot(page, "families-letter-published.png")
