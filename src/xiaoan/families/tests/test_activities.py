import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.errors import InvalidInput, OutOfScope
from xiaoan.families.models import ActivityKind, HomeSchoolActivity
from xiaoan.families.services import activity_record

pytestmark = pytest.mark.django_db
REASON = "test"


def record(city, school_class, actor="teacher", **extra):
    fields = {"kind": ActivityKind.PARENT_MEETING, "held_on": timezone.localdate(), "topic": "暑期安全家长会",
              "guardians_reached": 38, **extra}  # fmt: skip
    return activity_record(actor=city.people[actor], school_class=school_class, **fields)


def test_a_class_teacher_records_a_parent_meeting_of_the_own_class(city, roster):
    activity = record(city, roster.class_a)
    assert activity.unit == city.school_a1 and activity.recorded_by == city.teacher


def test_a_teacher_cannot_record_for_another_class_and_nobody_for_the_future(city, roster):
    with pytest.raises(OutOfScope):
        record(city, roster.class_a2)
    with pytest.raises(InvalidInput):
        record(city, roster.class_a, held_on=timezone.localdate() + dt.timedelta(days=1))


def test_activities_are_counted_per_class_at_school_and_per_school_at_the_county(city, roster):
    record(city, roster.class_a)
    record(city, roster.class_a, kind=ActivityKind.HOME_VISIT, guardians_reached=3)
    record(city, roster.class_a2, actor="principal", guardians_reached=40)
    school = city.client_for("principal").get(reverse("families:activity_list")).content.decode()
    assert "三年级（1）班" in school and "家访" in school
    county = city.client_for("county_a_officer").get(reverse("families:activity_list")).content.decode()
    assert '宛城区第一小学</td><td>家长会</td><td class="text-end">2</td><td class="text-end">78' in county
    assert (
        "家长会"
        not in city.client_for("county_b_officer")
        .get(reverse("families:activity_list"))
        .content.decode()
        .split('data-testid="activity-table"')[1]
        .split("</thead>")[1]
    )


def test_the_form_offers_only_the_teachers_classes_and_saves(city, roster):
    client = city.client_for("teacher")
    page = client.get(reverse("families:activity_create")).content.decode()
    assert "三年级（1）班" in page and "三年级（2）班" not in page
    data = {"school_class": roster.class_a.pk, "kind": "open_day", "held_on": timezone.localdate().isoformat(),
            "topic": "家长开放日", "guardians_reached": 30}  # fmt: skip
    assert client.post(reverse("families:activity_create"), data).status_code == 302
    assert HomeSchoolActivity.objects.system(REASON).get().topic == "家长开放日"


def test_a_county_officer_cannot_record_activities(city):
    assert city.client_for("county_a_officer").get(reverse("families:activity_create")).status_code == 403


def test_the_activity_list_query_count_does_not_grow(city, roster, django_assert_max_num_queries):
    client = city.client_for("principal")
    record(city, roster.class_a)
    client.get(reverse("families:activity_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("families:activity_list"))
    for n in range(20):
        record(city, roster.class_a, topic=f"家访{n}", kind=ActivityKind.HOME_VISIT)
    with django_assert_max_num_queries(12):
        client.get(reverse("families:activity_list"))
