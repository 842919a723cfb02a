import pytest
from django.http import Http404

from xiaoan.core.errors import PermissionDenied
from xiaoan.core.scoping import get_for_user
from xiaoan.orgs.models import Membership, Unit, User


def test_a_county_officer_sees_exactly_the_county_and_its_schools(city):
    names = set(Unit.objects.for_user(city.county_a_officer).values_list("name", flat=True))
    assert names == {"宛城区教育体育局", "宛城区第一小学", "宛城区实验幼儿园"}


def test_the_city_officer_sees_the_whole_tree(city):
    assert Unit.objects.for_user(city.city_officer).count() == 6


def test_a_teacher_sees_only_the_own_school(city):
    assert list(Unit.objects.for_user(city.teacher)) == [city.school_a1]


def test_an_object_of_another_county_is_404_not_403(city):
    with pytest.raises(Http404):
        get_for_user(Unit, city.county_b_officer, city.school_a1.pk)


def test_an_in_scope_object_the_role_may_not_change_is_403(city):
    with pytest.raises(PermissionDenied):
        get_for_user(Unit, city.viewer, city.school_a1.pk, action="change")


def test_a_bad_primary_key_is_404(city):
    with pytest.raises(Http404):
        get_for_user(Unit, city.city_officer, "not-a-number")


def test_undeclared_permissions_are_denied(city):
    assert not Unit.objects.for_user(city.city_admin, "launch_rockets").exists()


def test_people_lists_contain_only_people_with_a_post_in_scope(city):
    usernames = set(User.objects.for_user(city.county_a_admin).values_list("username", flat=True))
    assert "teacher" in usernames and "county_a_officer" in usernames
    assert "county_b_officer" not in usernames and "city_officer" not in usernames


def test_an_inactive_membership_gives_no_scope(city):
    Membership.objects.system("test").filter(user=city.teacher).update(is_active=False)
    teacher = User.objects.get(pk=city.teacher.pk)
    assert not Unit.objects.for_user(teacher).exists()


def test_an_id_too_large_for_the_database_is_404_not_500(city):
    response = city.client_for("county_a_officer").get(f"/orgs/units/{2**70}/")
    assert response.status_code == 404
