import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.errors import InvalidInput
from xiaoan.drills import services
from xiaoan.drills.models import DrillFollowUp
from xiaoan.drills.testing import make_held_drill
from xiaoan.orgs.testing import ScopedPageContract

TODAY = timezone.localdate()
LIST = reverse("drills:follow_up_list")


def make_follow_up(unit, problem="二楼楼梯口拥堵", **fields):
    drill = make_held_drill(unit, TODAY - dt.timedelta(days=10))
    return DrillFollowUp.objects.create(drill=drill, problem=problem, **fields)


class TestFollowUpAssignPage(ScopedPageContract):
    url_name = "drills:follow_up_assign"
    insider = "principal"
    write_url_name = "drills:follow_up_assign"

    @property
    def write_data(self):
        return {"due_on": (TODAY + dt.timedelta(days=7)).isoformat()}

    def make_object(self, city):
        return make_follow_up(city.school_a1)

    def test_a_county_officer_may_look_at_the_list_but_not_assign(self, city):
        response = city.client_for("county_a_officer").get(self.url(self.make_object(city)))
        assert response.status_code == 403

    def test_it_offers_only_the_schools_staff_as_owners(self, city):
        body = city.client_for("principal").get(self.url(self.make_object(city))).content.decode()
        assert f'value="{city.teacher.pk}"' in body
        assert f'value="{city.county_a_officer.pk}"' not in body


def test_the_principal_assigns_an_owner_and_a_due_date_and_returns_to_the_list(city):
    item = make_follow_up(city.school_a1)
    due = TODAY + dt.timedelta(days=14)
    response = city.client_for("principal").post(
        reverse("drills:follow_up_assign", args=[item.pk]),
        {"owner": city.teacher.pk, "due_on": due.isoformat(), "next": LIST + "?show=overdue"},
    )
    assert response.status_code == 302 and response["Location"] == LIST + "?show=overdue"
    item.refresh_from_db()
    assert (item.owner, item.due_on) == (city.teacher, due)


def test_the_assign_page_refuses_someone_from_another_school_and_an_outside_next_address(city):
    item = make_follow_up(city.school_a1)
    client = city.client_for("principal")
    url = reverse("drills:follow_up_assign", args=[item.pk])
    response = client.post(url, {"owner": city.county_b_admin.pk, "due_on": TODAY.isoformat()})
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    response = client.post(url, {"owner": city.teacher.pk, "due_on": TODAY.isoformat(), "next": "https://evil.test/"})
    assert response["Location"] == item.drill.get_absolute_url()


def test_the_service_refuses_an_owner_without_a_post_and_a_fixed_problem(city):
    item = make_follow_up(city.school_a1)
    with pytest.raises(InvalidInput, match="任职"):
        services.follow_up_assign(actor=city.principal, follow_up=item, owner=city.county_a_officer, due_on=None)
    with pytest.raises(InvalidInput, match="期限"):
        services.follow_up_assign(
            actor=city.principal, follow_up=item, owner=city.teacher, due_on=TODAY - dt.timedelta(days=30)
        )
    services.follow_up_close(actor=city.principal, follow_up=item)
    with pytest.raises(InvalidInput, match="整改完毕"):
        services.follow_up_assign(actor=city.principal, follow_up=item, owner=city.teacher, due_on=TODAY)


def test_the_list_shows_open_follow_ups_per_school_in_the_users_region_only(city):
    mine = make_follow_up(city.school_a1)
    make_follow_up(city.school_a1, problem="已修好", done_at=timezone.now())
    theirs = make_follow_up(city.school_b1)
    response = city.client_for("county_a_officer").get(LIST)
    assert response.status_code == 200
    assert [item.pk for item in response.context["page"].object_list] == [mine.pk]
    assert f'data-school="{city.school_a1.pk}"' in response.content.decode()
    assert "指定责任人" not in response.content.decode()  # a bureau reads; the school acts
    seen = city.client_for("county_b_officer").get(LIST).context["page"].object_list
    assert [item.pk for item in seen] == [theirs.pk]


def test_the_overdue_and_done_filters(city):
    late = make_follow_up(city.school_a1, due_on=TODAY - dt.timedelta(days=1))
    make_follow_up(city.school_a1, due_on=TODAY)
    fixed = make_follow_up(city.school_a1, done_at=timezone.now(), due_on=TODAY - dt.timedelta(days=3))
    client = city.client_for("principal")
    response = client.get(LIST, {"show": "overdue"})
    assert [item.pk for item in response.context["page"].object_list] == [late.pk]
    assert 'data-testid="overdue"' in response.content.decode()
    assert [item.pk for item in client.get(LIST, {"show": "done"}).context["page"].object_list] == [fixed.pk]


def test_marking_a_problem_fixed_from_the_list_returns_to_the_list(city):
    item = make_follow_up(city.school_a1)
    response = city.client_for("principal").post(
        reverse("drills:follow_up_action", args=[item.pk, "close"]), {"next": LIST}
    )
    assert response["Location"] == LIST
    item.refresh_from_db()
    assert item.done_at is not None


def test_the_list_sends_anonymous_visitors_to_login_and_refuses_a_role_without_the_permission(city):
    assert "/accounts/login/" in Client().get(LIST)["Location"]
    assert city.client_for("guard").get(LIST).status_code == 403


@pytest.mark.parametrize("rows", [1, 25])
def test_the_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    client = city.client_for("principal")
    for n in range(rows):
        make_follow_up(city.school_a1, problem=f"问题{n}", owner=city.teacher, due_on=TODAY - dt.timedelta(days=n))
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == rows
