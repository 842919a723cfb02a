import io

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.orgs.models import Membership, User
from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import PASSWORD, ScopedPageContract, make_person


class TestPersonPage(ScopedPageContract):
    url_name = "orgs:person_detail"
    write_url_name = "orgs:person_deactivate"
    insider = "county_a_admin"

    def make_object(self, city):
        return city.teacher


def staff_of(unit, count):
    for index in range(count):
        person = make_person(f"t{index:03d}", unit, Role.STAFF, full_name=f"教师{index:03d}")
        person.phone = f"138{index:08d}"
        person.save(update_fields=["phone"])


def test_the_people_list_holds_only_people_with_a_post_in_scope(city):
    response = city.client_for("county_a_admin").get(reverse("orgs:people_list"))
    usernames = {person.username for person in response.context["page"].object_list}
    assert {"teacher", "principal", "county_a_officer", "viewer"} <= usernames
    assert not usernames & {"county_b_officer", "county_b_admin", "city_officer"}


def test_the_people_list_masks_phone_numbers(city):
    city.teacher.phone = "13812341234"
    city.teacher.save(update_fields=["phone"])
    body = city.client_for("county_a_admin").get(reverse("orgs:people_list")).content.decode()
    assert "138****1234" in body and "13812341234" not in body


def test_the_people_list_filters_by_role_and_unit(city):
    client = city.client_for("county_a_admin")
    guards = client.get(reverse("orgs:people_list"), {"role": Role.GUARD})
    assert [person.username for person in guards.context["page"].object_list] == ["guard"]
    at_school = client.get(reverse("orgs:people_list"), {"unit": city.school_a1.pk})
    assert {p.username for p in at_school.context["page"].object_list} == {
        "school_admin",
        "principal",
        "teacher",
        "guard",
    }


def test_a_teacher_may_not_open_the_people_list(city):
    assert city.client_for("teacher").get(reverse("orgs:people_list")).status_code == 403


@pytest.mark.parametrize("rows", [5, 60])
def test_the_people_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    staff_of(city.school_a1, rows)
    client = city.client_for("county_a_admin")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("orgs:people_list"))
    assert len(response.context["page"].object_list) == min(rows + 7, 50)


def test_a_county_admin_creates_an_account_and_sees_its_temporary_password_once(city):
    data = {
        "unit": city.school_a1.pk,
        "role": Role.SAFETY_OFFICER,
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "13900001111",
    }
    response = city.client_for("county_a_admin").post(reverse("orgs:person_create"), data)
    password = response.context["password"]
    person = User.objects.get(username="zhangsan")
    assert response.status_code == 200 and password in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert person.check_password(password) and person.must_change_password
    assert person.active_membership.unit == city.school_a1


def test_an_account_cannot_be_created_at_another_county(city):
    data = {"unit": city.school_b1.pk, "role": Role.STAFF, "username": "lisi", "full_name": "李四"}
    response = city.client_for("county_a_admin").post(reverse("orgs:person_create"), data)
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not User.objects.filter(username="lisi").exists()


def test_a_taken_user_name_is_a_form_error(city):
    data = {"unit": city.school_a1.pk, "role": Role.STAFF, "username": "teacher", "full_name": "重名"}
    response = city.client_for("county_a_admin").post(reverse("orgs:person_create"), data)
    assert response.status_code == 200 and "username" in response.context["form"].errors


def test_deactivating_an_account_ends_its_sessions_at_once(city):
    teacher_client = signed_in_client(city.teacher)
    assert Session.objects.count() >= 1
    response = city.client_for("county_a_admin").post(reverse("orgs:person_deactivate", args=[city.teacher.pk]))
    assert response.status_code == 302
    assert not User.objects.get(pk=city.teacher.pk).is_active
    assert teacher_client.get(reverse("orgs:unit_list")).status_code == 302  # back to the login page


def signed_in_client(user):
    from django.test import Client

    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_county_admin_cannot_manage_an_account_that_also_holds_a_post_above_the_county(city):
    Membership.objects.system("test").create(user=city.city_officer, unit=city.school_a1, role=Role.STAFF)
    client = city.client_for("county_a_admin")
    response = client.post(reverse("orgs:person_reset_password", args=[city.city_officer.pk]), follow=True)
    assert "password" not in response.context
    assert "目标不在您的管辖范围内" in response.content.decode()
    assert User.objects.get(pk=city.city_officer.pk).check_password(PASSWORD)


def test_reset_password_shows_a_new_temporary_password(city):
    response = city.client_for("county_a_admin").post(reverse("orgs:person_reset_password", args=[city.teacher.pk]))
    teacher = User.objects.get(pk=city.teacher.pk)
    assert teacher.check_password(response.context["password"]) and teacher.must_change_password


def test_an_admin_grants_and_ends_a_membership_in_scope(city):
    client = city.client_for("county_a_admin")
    grant = {"unit": city.kindergarten_a2.pk, "role": Role.SAFETY_OFFICER}
    client.post(reverse("orgs:membership_grant", args=[city.teacher.pk]), grant)
    post = Membership.objects.system("test").get(user=city.teacher, unit=city.kindergarten_a2)
    assert post.is_active and post.role == Role.SAFETY_OFFICER
    client.post(reverse("orgs:membership_end", args=[post.pk]))
    post.refresh_from_db()
    assert not post.is_active


def test_a_membership_in_another_county_cannot_be_ended(city):
    post = Membership.objects.system("test").get(user=city.county_b_officer)
    response = city.client_for("county_a_admin").post(reverse("orgs:membership_end", args=[post.pk]))
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.is_active


def test_the_people_list_exports_masked_in_scope_rows(city):
    city.teacher.phone = "13812341234"
    city.teacher.save(update_fields=["phone"])
    response = city.client_for("county_a_admin").get(reverse("orgs:people_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["teacher"][2] == "138****1234"
    assert "county_b_officer" not in rows
