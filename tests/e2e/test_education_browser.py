"""Safety education and training in a real browser: a teacher records a drowning-prevention lesson with a photo
on a phone and sees the school's coverage count it; a county officer sees the school × topic matrix of the county;
a principal records a fire-training session and ticks the staff who attended."""

import io
import os

import pytest
from django.urls import reverse
from PIL import Image

from xiaoan.education.models import Topic
from xiaoan.education.testing import make_activity
from xiaoan.training.models import TrainingRecord

from .guide import screenshot
from .test_shell_browser import named_city, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def covered(page, topic: str) -> str | None:
    return page.locator(f"[data-testid=topic-coverage] [data-topic={topic}]").get_attribute("data-covered")


def test_a_teacher_records_a_drowning_lesson_on_a_phone_and_the_coverage_counts_it(live_server, page):
    named_city()
    sign_in(page, live_server.url, "teacher")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("education:coverage"))
    assert covered(page, Topic.DROWNING) == "0"
    assert page.locator("[data-testid=total-activities]").inner_text() == "0"

    page.goto(live_server.url + reverse("education:activity_list"))
    page.click("[data-testid=activity-create]")
    page.fill("input[name=title]", "珍爱生命 预防溺水")
    page.click("[data-testid=field-topics] label:has(input[value=drowning])")
    page.select_option("select[name=form]", "lesson")
    page.fill("input[name=grade]", "三年级")
    page.fill("input[name=classes_text]", "三(1)班、三(2)班")
    page.fill("input[name=classes_reached]", "2")
    page.fill("input[name=headcount]", "96")
    page.fill("textarea[name=summary]", "讲解“六不”要求，观看防溺水警示片，学生签订安全承诺书。")
    page.set_input_files("input[name=photo]", {"name": "lesson.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()})
    screenshot(page, "education-record-phone.png")
    with page.expect_navigation():
        page.click("[data-testid=activity-save]")
    assert "防溺水" in page.locator("[data-testid=activity-topics]").inner_text()
    assert page.locator("[data-testid=activity-attachments] img").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(live_server.url + reverse("education:coverage"))
    assert covered(page, Topic.DROWNING) == "1"
    assert covered(page, Topic.FIRE) == "0"
    assert page.locator("[data-testid=total-activities]").inner_text() == "1"
    assert page.locator("[data-testid=total-classes]").inner_text() == "2"
    screenshot(page, "education-coverage.png")


def test_a_county_officer_sees_which_topics_are_thin_in_which_school(live_server, page):
    city = named_city()
    make_activity(city.school_a1, topics=[Topic.DROWNING, Topic.TRAFFIC])
    make_activity(city.kindergarten_a2, topics=[Topic.FIRE], title="消防疏散小课堂")
    make_activity(city.school_b1, topics=[Topic.BULLYING], title="防欺凌主题班会")
    sign_in(page, live_server.url, "county_a_officer")
    page.goto(live_server.url + reverse("education:coverage"))
    matrix = page.locator("[data-testid=coverage-matrix]")
    assert matrix.locator("tbody tr").count() == 2  # the county's two schools, nothing of county B
    school = matrix.locator(f"[data-unit='{city.school_a1.pk}'] td[data-thin]")
    topics = [cell.get_attribute("data-topic") for cell in matrix.locator("thead th[data-topic]").all()]
    cells = dict(zip(topics, [cell.inner_text() for cell in school.all()], strict=True))
    assert (cells[Topic.DROWNING], cells[Topic.FIRE], cells[Topic.BULLYING]) == ("1", "0", "0")
    screenshot(page, "education-matrix.png")
    matrix.locator(f"[data-unit='{city.school_a1.pk}'] a").click()
    page.wait_for_load_state()
    assert covered(page, Topic.TRAFFIC) == "1"


def test_a_principal_records_a_fire_training_and_ticks_the_staff_who_attended(live_server, page):
    city = named_city()
    sign_in(page, live_server.url, "principal")
    page.goto(live_server.url + reverse("training:session_list"))
    page.click("[data-testid=session-create]")
    page.fill("input[name=title]", "全体教职工消防安全培训")
    page.select_option("select[name=category]", "all_staff")
    page.fill("input[name=hours]", "2")
    page.fill("input[name=provider]", "宛城区消防救援大队")
    page.check("input[name=is_fire_training]")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    form = page.locator("[data-testid=attendees-form]")
    form.locator(f"label:has(input[value='{city.teacher.pk}'])").click()
    form.locator(f"label:has(input[value='{city.guard.pk}'])").click()
    form.locator("textarea[name=others]").fill("李保洁,GH0231\n王厨师,GH0232,XF-2026-118,2029-11-30")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("[data-testid=attendees] [data-record]").count() == 4
    assert TrainingRecord.objects.filter(session__unit=city.school_a1, user=city.teacher).exists()
    screenshot(page, "training-session.png")
