"""The roster in a real browser: a class teacher on a phone sees full names of the own class, masked numbers."""

import os

import pytest
from django.urls import reverse

from xiaoan.orgs.testing import build_city
from xiaoan.students.testing import make_class, make_pupil, valid_id_number

from .guide import screenshot

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
PUPILS = ("张小明", "李晓红", "王一诺", "赵子轩", "陈雨桐")


def test_the_class_teacher_sees_own_pupils_by_name_with_masked_numbers_on_a_phone(live_server, page):
    from tests.e2e.test_shell_browser import sign_in

    city = build_city()
    city.teacher.full_name = "徐丽"
    city.teacher.save(update_fields=["full_name"])
    school_class = make_class(city.school_a1, grade=3, number=1, teacher=city.teacher)
    id_number = valid_id_number()
    for seat, name in enumerate(PUPILS, start=1):
        number = id_number if seat == 1 else None
        make_pupil(
            school_class, name=name, student_number=f"2023030{seat}", mobile=f"1700000{seat:04d}", id_number=number
        )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "teacher")
    page.goto(live_server.url + reverse("students:class_list"))
    page.click("text=三年级（1）班")
    table = page.locator("[data-testid=pupil-table]")
    for name in PUPILS:
        assert table.get_by_text(name).count() == 1
    text = table.inner_text()
    assert "170****0001" in text and "17000000001" not in text
    assert id_number not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(page, "students-class-teacher-phone.png")
