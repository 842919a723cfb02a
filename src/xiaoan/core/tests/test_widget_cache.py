"""Shared home-page widgets are rendered once per unit, role and language for WIDGET_CACHE_SECONDS; others never."""

import pytest
from django.test import override_settings
from django.utils.safestring import mark_safe

from xiaoan.core import registry
from xiaoan.core.registry import Widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    seen = []

    def render(request):
        seen.append((request.user.username, request.membership.unit.name))
        return mark_safe(f'<div data-test="w">{request.membership.unit.name}#{len(seen)}</div>')

    def personal(request):
        seen.append(("personal", request.user.username))
        return mark_safe(f"<div>mine:{request.user.username}</div>")

    monkeypatch.setattr(
        registry,
        "WIDGETS",
        {
            "test.shared": Widget(key="test.shared", render=render, shared=True),
            "test.personal": Widget(key="test.personal", render=personal),
        },
    )
    return seen


@override_settings(WIDGET_CACHE_SECONDS=60)
def test_a_shared_widget_is_rendered_once_per_unit_and_role_a_personal_one_every_time(city, calls):
    first = city.client_for("county_a_officer").get("/").content.decode()
    again = city.client_for("county_a_officer").get("/").content.decode()
    number = first.split('data-test="w">')[1].split("</div>")[0]
    assert number.startswith("宛城区") and f'data-test="w">{number}</div>' in again  # the same HTML, not rendered again
    shared = [call for call in calls if call[0] != "personal"]
    assert len(shared) == 1
    assert len([call for call in calls if call[0] == "personal"]) == 2
    other_county = city.client_for("county_b_officer").get("/").content.decode()
    assert "宛城区" not in other_county.split('data-test="w">')[1][:20]
    other_role = city.client_for("county_a_admin").get("/")
    assert other_role.status_code == 200
    assert len([call for call in calls if call[0] != "personal"]) == 3  # county B, and the admin role


@override_settings(WIDGET_CACHE_SECONDS=0)
def test_with_no_cache_time_every_view_renders_it(city, calls):
    for _ in range(2):
        city.client_for("county_a_officer").get("/")
    assert len([call for call in calls if call[0] != "personal"]) == 2


@override_settings(WIDGET_CACHE_SECONDS=60)
def test_the_hazard_lists_roll_up_is_reused_per_filter_and_unit(city, monkeypatch):
    from xiaoan.hazards import selectors

    real, seen = selectors.breakdown, []

    def counting(user, filters, **kwargs):
        seen.append(user.username)
        return real(user, filters, **kwargs)

    monkeypatch.setattr(selectors, "breakdown", counting)
    officer = city.client_for("county_a_officer")
    for _ in range(2):
        assert officer.get("/hazards/").status_code == 200
    assert officer.get("/hazards/?state=reported").status_code == 200
    assert city.client_for("county_b_officer").get("/hazards/").status_code == 200
    assert seen == ["county_a_officer", "county_a_officer", "county_b_officer"]


@override_settings(WIDGET_CACHE_SECONDS=60)
def test_the_home_page_says_how_fresh_the_region_totals_are(city):
    assert "区域汇总数字每 1 分钟更新一次" in city.client_for("county_a_officer").get("/").content.decode()
