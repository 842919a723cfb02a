import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from xiaoan.core.errors import InvalidInput, OutOfScope, PermissionDenied
from xiaoan.orgs import services
from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import Role, Stage, UnitKind
from xiaoan.orgs.testing import PASSWORD, make_person, make_unit

SCHOOL = {"name": "宛城区第五小学", "kind": UnitKind.SCHOOL, "code": "2141130205", "stage": Stage.PRIMARY}


def fresh(user):
    """The user as a new request would load it (memberships are cached per user object)."""
    return User.objects.get(pk=user.pk)


def signed_in(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_creates_a_school_under_an_in_scope_bureau_with_its_path(city):
    unit = services.unit_create(actor=city.county_a_admin, parent=city.county_a, **SCHOOL)
    assert unit.path == city.county_a.path + unit.segment() and unit.depth == 2


def test_it_refuses_to_create_under_another_county(city):
    with pytest.raises(OutOfScope):
        services.unit_create(actor=city.county_a_admin, parent=city.county_b, **SCHOOL)
    assert not Unit.objects.filter(code=SCHOOL["code"]).exists()


def test_it_refuses_creation_by_a_role_without_the_permission(city):
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=city.county_a_officer, parent=city.county_a, **SCHOOL)


def test_it_refuses_a_school_without_a_stage_or_with_a_bad_code(city):
    with pytest.raises(ValidationError):
        services.unit_create(actor=city.county_a_admin, parent=city.county_a, **{**SCHOOL, "stage": ""})
    with pytest.raises(ValidationError):
        services.unit_create(actor=city.county_a_admin, parent=city.county_a, **{**SCHOOL, "code": "21411302"})


def test_it_refuses_unknown_fields(city):
    with pytest.raises(InvalidInput):
        services.unit_create(actor=city.county_a_admin, parent=city.county_a, path="x", **SCHOOL)


def test_it_refuses_to_update_a_unit_of_another_county(city):
    with pytest.raises(OutOfScope):
        services.unit_update(actor=city.county_a_admin, unit=city.school_b1, name="改名")
    city.school_b1.refresh_from_db()
    assert city.school_b1.name == "卧龙区第二中学"


def test_moving_a_subtree_rewrites_every_path_below_it_and_keeps_memberships_attached(city):
    centre = make_unit(city.root, "城乡一体化示范区教育中心", UnitKind.COUNTY_BUREAU, "411371")
    county = services.unit_update(actor=city.city_admin, unit=city.county_a, kind=UnitKind.COUNTY_BUREAU)
    assert county.path == city.county_a.path  # an update without a new parent moves nothing
    services.unit_update(actor=city.city_admin, unit=city.school_a1, parent=centre)
    school = Unit.objects.get(pk=city.school_a1.pk)
    assert school.path == centre.path + school.segment() and school.depth == centre.depth + 1
    assert set(Unit.objects.within(centre.path)) == {centre, school}
    assert Membership.objects.for_user(fresh(city.county_a_admin)).filter(user=city.teacher).count() == 0


def test_a_unit_cannot_move_below_itself(city):
    with pytest.raises((InvalidInput, ValidationError)):
        services.unit_update(actor=city.city_admin, unit=city.root, parent=city.county_a)


def test_an_admin_cannot_move_a_school_out_of_the_subtree(city):
    with pytest.raises(OutOfScope):
        services.unit_update(actor=city.county_a_admin, unit=city.school_a1, parent=city.county_b)
    school = Unit.objects.get(pk=city.school_a1.pk)
    assert school.parent_id == city.county_a.pk


def test_it_creates_an_account_with_a_temporary_password_it_must_change(city):
    user, password = services.user_create(
        actor=city.county_a_admin, unit=city.school_a1, role=Role.STAFF, username="wangwu", full_name="王五"
    )
    assert user.check_password(password) and user.must_change_password
    assert user.active_membership.unit == city.school_a1 and user.active_membership.role == Role.STAFF


def test_it_refuses_an_account_at_another_county(city):
    with pytest.raises(OutOfScope):
        services.user_create(
            actor=city.county_a_admin, unit=city.school_b1, role=Role.STAFF, username="zhao", full_name="赵"
        )
    assert not User.objects.filter(username="zhao").exists()


def test_it_refuses_a_taken_user_name_with_a_clear_message(city):
    with pytest.raises(InvalidInput):
        services.user_create(
            actor=city.county_a_admin, unit=city.school_a1, role=Role.STAFF, username="teacher", full_name="重名"
        )


def test_an_account_with_a_post_outside_the_subtree_is_not_manageable(city):
    Membership.objects.system("test").create(user=city.city_officer, unit=city.school_a1, role=Role.STAFF)
    with pytest.raises(OutOfScope):
        services.user_reset_password(actor=city.county_a_admin, user=city.city_officer)
    with pytest.raises(OutOfScope):
        services.user_deactivate(actor=city.county_a_admin, user=city.city_officer)
    assert fresh(city.city_officer).is_active


def test_an_account_whose_posts_all_lie_in_the_subtree_is_manageable(city):
    services.user_deactivate(actor=city.county_a_admin, user=city.teacher)
    assert not fresh(city.teacher).is_active
    services.user_reactivate(actor=city.county_a_admin, user=city.teacher)
    assert fresh(city.teacher).is_active


def test_an_admin_does_not_manage_the_own_account_here(city):
    with pytest.raises(InvalidInput):
        services.user_reset_password(actor=city.county_a_admin, user=city.county_a_admin)


def test_deactivation_ends_the_sessions_of_the_account_at_once(city):
    client = signed_in(city.teacher)
    other = signed_in(city.principal)
    keys = {client.session.session_key, other.session.session_key}
    assert Session.objects.filter(session_key__in=keys).count() == 2
    services.user_deactivate(actor=city.county_a_admin, user=city.teacher)
    assert not Session.objects.filter(session_key=client.session.session_key).exists()
    assert Session.objects.filter(session_key=other.session.session_key).exists()


def test_reset_password_sets_a_new_temporary_password_and_ends_sessions(city):
    client = signed_in(city.teacher)
    password = services.user_reset_password(actor=city.county_a_admin, user=city.teacher)
    teacher = fresh(city.teacher)
    assert teacher.check_password(password) and not teacher.check_password(PASSWORD)
    assert teacher.must_change_password
    assert not Session.objects.filter(session_key=client.session.session_key).exists()


def test_granting_a_post_in_scope_reactivates_an_ended_one(city):
    post = Membership.objects.system("test").get(user=city.teacher)
    services.membership_end(actor=city.county_a_admin, membership=post)
    again = services.membership_grant(actor=city.county_a_admin, user=city.teacher, unit=city.school_a1, role=post.role)
    assert again.pk == post.pk and again.is_active


def test_granting_a_post_to_someone_outside_the_subtree_is_refused(city):
    with pytest.raises(OutOfScope):
        services.membership_grant(
            actor=city.county_a_admin, user=city.county_b_officer, unit=city.school_a1, role=Role.STAFF
        )


def test_ending_the_post_one_acts_in_is_refused(city):
    post = fresh(city.county_a_admin).active_membership
    with pytest.raises(InvalidInput):
        services.membership_end(actor=city.county_a_admin, membership=post)


def test_switching_to_a_post_of_someone_else_is_refused(city):
    other = make_person("double", city.school_a1, Role.STAFF)
    with pytest.raises(OutOfScope):
        services.membership_switch(user=city.teacher, membership_id=other.active_membership_id)


def test_an_administrator_clears_a_lost_second_factor_and_the_sessions_end(city):
    from django.contrib.sessions.models import Session

    from xiaoan.orgs.services import user_reset_second_factor
    from xiaoan.orgs.testing import enrol_second_factor

    enrol_second_factor(city.teacher)
    teacher_client = city.client_for("teacher")
    teacher_client.get("/")
    assert Session.objects.exists()
    city.teacher.refresh_from_db()
    from xiaoan.orgs.models import UserSession

    UserSession.objects.create(user=city.teacher, session_key=teacher_client.session.session_key)
    user_reset_second_factor(actor=city.school_admin, user=city.teacher)
    city.teacher.refresh_from_db()
    assert not city.teacher.totp_confirmed and city.teacher.totp_secret == ""
    assert not Session.objects.filter(session_key=teacher_client.session.session_key).exists()


def test_a_county_admin_cannot_clear_the_second_factor_of_the_city_admin(city):
    import pytest

    from xiaoan.core.errors import OutOfScope
    from xiaoan.orgs.services import user_reset_second_factor

    with pytest.raises(OutOfScope):
        user_reset_second_factor(actor=city.county_a_admin, user=city.city_admin)


def test_the_person_page_offers_to_clear_the_second_factor(city):
    from xiaoan.orgs.testing import enrol_second_factor

    enrol_second_factor(city.teacher)
    client = city.client_for("school_admin")
    page = client.get(f"/orgs/people/{city.teacher.pk}/")
    assert 'data-testid="person-reset-totp"' in page.content.decode()
    response = client.post(f"/orgs/people/{city.teacher.pk}/reset-second-factor/")
    assert response.status_code == 302
    city.teacher.refresh_from_db()
    assert not city.teacher.totp_confirmed
