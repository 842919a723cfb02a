import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from xiaoan.core.attachments.selectors import attachments_of
from xiaoan.core.errors import InvalidInput, OutOfScope, PermissionDenied
from xiaoan.core.notifications.models import Notification
from xiaoan.core.rules.services import rule_set
from xiaoan.education.models import ActivityTopic, EducationActivity, ThemeDayNotice, Topic
from xiaoan.education.services import activity_record, activity_update, theme_day_remind
from xiaoan.education.testing import make_activity
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import make_person

TODAY = dt.date(2026, 4, 20)
LESSON = {
    "title": "防溺水安全第一课",
    "date": dt.date(2026, 4, 18),
    "form": "lesson",
    "headcount": 45,
    "classes_reached": 1,
}


def photo(name="现场.png"):
    import io

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_a_teacher_records_a_lesson_with_its_topics_and_a_photo(city):
    activity = activity_record(
        actor=city.teacher, unit=city.school_a1, topics=[Topic.DROWNING, Topic.TRAFFIC], photos=[photo()],
        today=TODAY, **LESSON,
    )  # fmt: skip
    assert sorted(activity.topic_values()) == ["drowning", "traffic"]
    assert activity.organiser == "teacher" and activity.recorded_by == city.teacher
    assert [item.original_name for item in attachments_of(activity)] == ["现场.png"]


def test_an_activity_needs_a_topic_and_a_date_not_in_the_future(city):
    with pytest.raises(InvalidInput):
        activity_record(actor=city.teacher, unit=city.school_a1, topics=[], today=TODAY, **LESSON)
    with pytest.raises(InvalidInput):
        future = {**LESSON, "date": TODAY + dt.timedelta(days=1)}
        activity_record(actor=city.teacher, unit=city.school_a1, topics=["fire"], today=TODAY, **future)
    assert not EducationActivity.objects.exists()


def test_a_school_records_only_for_itself_and_a_bureau_not_at_all(city):
    with pytest.raises(OutOfScope):
        activity_record(actor=city.teacher, unit=city.kindergarten_a2, topics=["fire"], today=TODAY, **LESSON)
    with pytest.raises(PermissionDenied):
        activity_record(actor=city.county_a_officer, unit=city.school_a1, topics=["fire"], today=TODAY, **LESSON)
    with pytest.raises(PermissionDenied):
        activity_record(actor=city.guard, unit=city.school_a1, topics=["fire"], today=TODAY, **LESSON)


def test_an_update_replaces_the_topics_and_keeps_the_school(city):
    activity = make_activity(city.school_a1, topics=["drowning", "fire"], date=dt.date(2026, 4, 1))
    activity_update(actor=city.principal, activity=activity, topics=["fire", "bullying"], today=TODAY,
                    title="消防与防欺凌", headcount=300)  # fmt: skip
    activity.refresh_from_db()
    assert sorted(activity.topic_values()) == ["bullying", "fire"] and activity.headcount == 300
    assert ActivityTopic.objects.filter(activity=activity).count() == 2


def test_the_reminder_goes_once_to_every_schools_safety_officer_before_a_theme_day(city):
    officer = make_person("a1_officer", city.school_a1, Role.SAFETY_OFFICER)
    other = make_person("b1_officer", city.school_b1, Role.SAFETY_OFFICER)
    before = dt.date(2026, 7, 20)  # 世界预防溺水日 7-25 is five days away; the notice period is 7 days
    sent = theme_day_remind(today=before)
    assert [notice.key for notice in sent] == ["drowning_prevention_day"]
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {officer.username, other.username}
    assert "世界预防溺水日" in Notification.objects.first().title
    assert theme_day_remind(today=before) == [] and theme_day_remind(today=before + dt.timedelta(days=1)) == []
    assert Notification.objects.count() == 2 and ThemeDayNotice.objects.get().recipients == 2


def next_july_20() -> dt.date:
    today = dt.date.today()
    this_year = dt.date(today.year, 7, 20)
    return this_year if this_year >= today else dt.date(today.year + 1, 7, 20)


def test_no_reminder_is_sent_outside_the_notice_period_or_for_a_day_switched_off(city):
    make_person("a1_officer", city.school_a1, Role.SAFETY_OFFICER)
    assert theme_day_remind(today=dt.date(2026, 7, 10)) == []
    rule_set(actor=city.city_admin, key="education.theme_days", raw_value="fire_safety_day", valid_from=dt.date.today())
    assert theme_day_remind(today=next_july_20()) == []
    assert not Notification.objects.exists()
