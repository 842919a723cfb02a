import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaoan.core.errors import OutOfScope, PermissionDenied
from xiaoan.core.rules.services import rule_set
from xiaoan.risks import selectors
from xiaoan.risks.models import RiskReview
from xiaoan.risks.services import risk_point_create, risk_point_review, risk_point_update
from xiaoan.risks.testing import make_risk_point

LAB = {
    "name": "化学实验室",
    "place": "实验楼三楼",
    "hazard_factors": "危化品储存不规范",
    "control_measures": "双人双锁，专柜存放",
    "method": "lec",
    "likelihood": Decimal("3"),
    "exposure": Decimal("6"),
    "consequence": Decimal("15"),
}


def test_a_principal_registers_a_risk_point_graded_by_lec_with_a_review_due_one_semester_later(city):
    today = dt.date(2026, 3, 2)
    point = risk_point_create(actor=city.principal, unit=city.school_a1, today=today, **LAB)
    assert point.score == Decimal("270") and point.level == "orange"
    assert point.graded_on == today and point.review_cycle_days == 183
    assert point.review_due == today + dt.timedelta(days=183)


def test_region_level_users_and_teachers_may_not_register_risk_points(city):
    for persona in ("county_a_officer", "teacher", "viewer"):
        with pytest.raises(PermissionDenied):
            risk_point_create(actor=city.people[persona], unit=city.school_a1, **LAB)


def test_a_school_manager_cannot_register_for_another_school(city):
    with pytest.raises(OutOfScope):
        risk_point_create(actor=city.principal, unit=city.school_b1, **LAB)


def test_a_school_manager_cannot_register_for_the_county_above(city):
    with pytest.raises(OutOfScope):
        risk_point_create(actor=city.principal, unit=city.county_a, **LAB)


def test_the_responsible_person_must_hold_a_post_at_the_school(city):
    point = risk_point_create(actor=city.principal, unit=city.school_a1, responsible=city.teacher, **LAB)
    assert point.responsible == city.teacher
    with pytest.raises(ValidationError) as refused:
        risk_point_create(actor=city.principal, unit=city.school_a1, responsible=city.county_b_officer, **LAB)
    assert "responsible" in refused.value.message_dict


def test_a_review_regrades_keeps_the_history_and_restarts_the_cycle(city):
    start = dt.date(2026, 3, 2)
    point = make_risk_point(city.school_a1, on=start)
    reviewed = start + dt.timedelta(days=100)
    review = risk_point_review(
        actor=city.principal,
        risk_point=point,
        reviewed_on=reviewed,
        notes="增设通风橱后可能性降低",
        method="lec",
        likelihood=Decimal("1"),
        exposure=Decimal("6"),
        consequence=Decimal("15"),
        today=reviewed,
    )
    point.refresh_from_db()
    assert (review.previous_level, review.level, review.score) == ("orange", "yellow", Decimal("90"))
    assert review.reviewer == city.principal
    assert point.level == "yellow" and point.last_reviewed_on == reviewed
    assert point.review_due == reviewed + dt.timedelta(days=183)
    assert list(RiskReview.objects.filter(risk_point=point)) == [review]


def test_a_review_cannot_be_dated_in_the_future_or_before_the_last_one(city):
    today = timezone.localdate()
    point = make_risk_point(city.school_a1, on=today)
    for day in (today + dt.timedelta(days=1), today - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            risk_point_review(actor=city.principal, risk_point=point, reviewed_on=day, method="direct", level="red")


def test_a_changed_band_regrades_only_reviews_from_its_date_on(city):
    today = timezone.localdate()
    start = today + dt.timedelta(days=5)
    rule_set(actor=city.city_admin, key="risks.red_above", raw_value="200", valid_from=start)
    point = risk_point_create(actor=city.principal, unit=city.school_a1, today=today, **LAB)
    assert point.level == "orange"
    lec = {key: LAB[key] for key in ("method", "likelihood", "exposure", "consequence")}
    risk_point_review(actor=city.principal, risk_point=point, reviewed_on=start, today=start, **lec)
    point.refresh_from_db()
    assert point.level == "red" and point.graded_on == start


def test_an_edit_regrades_only_when_the_grading_changes(city):
    start = dt.date(2026, 3, 2)
    point = make_risk_point(city.school_a1, on=start)
    later = start + dt.timedelta(days=10)
    risk_point_update(actor=city.principal, risk_point=point, today=later, name="化学实验室（新）", method="lec",
                      likelihood=Decimal("3"), exposure=Decimal("6"), consequence=Decimal("15"), level="")  # fmt: skip
    assert point.graded_on == start and point.name == "化学实验室（新）"
    risk_point_update(actor=city.principal, risk_point=point, today=later, method="direct", level="red")
    assert (point.level, point.score, point.graded_on) == ("red", None, later)


def test_the_overdue_review_flag_and_filter_follow_the_date(city):
    start = dt.date(2026, 3, 2)
    point = make_risk_point(city.school_a1, on=start, review_cycle_days=30)
    due = start + dt.timedelta(days=30)
    assert not point.review_overdue(today=due)
    assert point.review_overdue(today=due + dt.timedelta(days=1))
    officer = city.county_a_officer
    assert list(selectors.risk_point_list(officer, {"overdue": "1"}, today=due)) == []
    assert list(selectors.risk_point_list(officer, {"overdue": "1"}, today=due + dt.timedelta(days=1))) == [point]
