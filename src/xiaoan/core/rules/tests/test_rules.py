import datetime as dt

import pytest
from django.utils import timezone

from xiaoan.core.errors import InvalidInput, PermissionDenied
from xiaoan.core.rules.registry import RULES, declare_rule
from xiaoan.core.rules.services import get_rule, rule_set


@pytest.fixture
def drill_rule():
    spec = declare_rule("testing.drills_per_month", 1, label="每月演练次数", source="测试依据", kind="int", minimum=0)
    yield spec
    RULES.pop(spec.key, None)


def today():
    return timezone.localdate()


def test_an_unchanged_rule_has_its_declared_default(db, drill_rule):
    assert get_rule(drill_rule.key) == 1


def test_a_change_applies_from_its_date_and_never_to_earlier_days(city, drill_rule):
    start = today() + dt.timedelta(days=10)
    rule_set(actor=city.city_admin, key=drill_rule.key, raw_value="2", valid_from=start)
    assert get_rule(drill_rule.key) == 1
    assert get_rule(drill_rule.key, on=start - dt.timedelta(days=1)) == 1
    assert get_rule(drill_rule.key, on=start) == 2
    assert get_rule(drill_rule.key, on=start + dt.timedelta(days=400)) == 2


def test_a_change_cannot_reach_into_the_past(city, drill_rule):
    with pytest.raises(InvalidInput):
        rule_set(actor=city.city_admin, key=drill_rule.key, raw_value="2", valid_from=today() - dt.timedelta(days=1))


def test_only_the_city_bureaus_administrators_change_rules(city, drill_rule):
    for persona in ("county_a_admin", "city_officer", "school_admin"):
        with pytest.raises(PermissionDenied):
            rule_set(actor=city.people[persona], key=drill_rule.key, raw_value="2", valid_from=today())


def test_values_are_validated_with_a_clear_message(city, drill_rule):
    with pytest.raises(InvalidInput) as bad:
        rule_set(actor=city.city_admin, key=drill_rule.key, raw_value="两次", valid_from=today())
    assert "不是有效的值" in str(bad.value.message)
    with pytest.raises(InvalidInput):
        rule_set(actor=city.city_admin, key=drill_rule.key, raw_value="-1", valid_from=today())


def test_the_rules_page_shows_value_and_source_and_lets_the_city_admin_change_it(city, drill_rule):
    officer_page = city.client_for("county_a_officer").get("/rules/")
    body = officer_page.content.decode()
    assert officer_page.status_code == 200
    assert "每月演练次数" in body and "测试依据" in body
    assert f"/rules/{drill_rule.key}/change/" not in body
    client = city.client_for("city_admin")
    response = client.post(
        f"/rules/{drill_rule.key}/change/", {"value": "3", "valid_from": today().isoformat(), "note": "市局通知"}
    )
    assert response.status_code == 302
    assert get_rule(drill_rule.key) == 3


def test_a_county_admin_gets_403_on_the_change_page(city, drill_rule):
    response = city.client_for("county_a_admin").get(f"/rules/{drill_rule.key}/change/")
    assert response.status_code == 403


def test_the_change_form_reports_bad_input_without_a_500(city, drill_rule):
    response = city.client_for("city_admin").post(
        f"/rules/{drill_rule.key}/change/", {"value": "abc", "valid_from": today().isoformat()}
    )
    assert response.status_code == 200
    assert "不是有效的值" in response.content.decode()
    assert get_rule(drill_rule.key) == 1
