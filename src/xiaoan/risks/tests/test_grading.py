import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaoan.core.rules.services import get_rule, rule_set
from xiaoan.risks.grading import danger_class, grade, lec_score, level_for_score, levels_in_use

TODAY = dt.date(2026, 3, 2)


def test_it_computes_d_as_the_product_of_l_e_and_c(db):
    assert lec_score(Decimal("3"), Decimal("6"), Decimal("15")) == Decimal("270")
    assert lec_score(Decimal("0.5"), Decimal("0.5"), Decimal("1")) == Decimal("0.25")


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("320.001", "red"),
        ("320", "orange"),
        ("160.5", "orange"),
        ("160", "yellow"),
        ("70.5", "yellow"),
        ("70", "blue"),
        ("20", "blue"),
        ("0.1", "blue"),
    ],
)
def test_it_grades_a_score_by_the_default_bands_with_each_threshold_in_the_lower_band(db, score, level):
    assert level_for_score(Decimal(score), on=TODAY) == level


@pytest.mark.parametrize(
    ("score", "label"),
    [("321", "极其危险"), ("320", "高度危险"), ("161", "高度危险"), ("160", "显著危险"), ("70", "一般危险"),
     ("21", "一般危险"), ("20", "稍有危险")],
)  # fmt: skip
def test_it_names_the_lec_danger_class_of_a_score(db, score, label):
    assert str(danger_class(Decimal(score), on=TODAY)) == label


def test_it_refuses_a_factor_value_the_rules_do_not_allow(db):
    with pytest.raises(ValidationError) as refused:
        grade(method="lec", on=TODAY, likelihood=Decimal("4"), exposure=Decimal("6"), consequence=Decimal("15"))
    assert "likelihood" in refused.value.message_dict
    assert "10、6、3、1、0.5、0.2、0.1" in refused.value.message_dict["likelihood"][0]


def test_it_grades_directly_only_with_a_level_in_use(db):
    assert grade(method="direct", on=TODAY, level="orange").level == "orange"
    assert grade(method="direct", on=TODAY, level="red").score is None
    with pytest.raises(ValidationError):
        grade(method="direct", on=TODAY, level="purple")


def test_a_three_level_scheme_folds_the_orange_band_into_the_next_level_in_use(city):
    today = timezone.localdate()
    rule_set(actor=city.city_admin, key="risks.levels_in_use", raw_value="red,yellow,blue", valid_from=today)
    assert levels_in_use(today) == ["red", "yellow", "blue"]
    assert level_for_score(Decimal("200"), on=today) == "yellow"
    assert level_for_score(Decimal("400"), on=today) == "red"
    with pytest.raises(ValidationError):
        grade(method="direct", on=today, level="orange")


def test_a_changed_threshold_applies_only_from_its_date(city):
    start = timezone.localdate() + dt.timedelta(days=5)
    rule_set(actor=city.city_admin, key="risks.red_above", raw_value="200", valid_from=start)
    assert get_rule("risks.red_above", on=start - dt.timedelta(days=1)) == Decimal("320")
    assert level_for_score(Decimal("270"), on=start - dt.timedelta(days=1)) == "orange"
    assert level_for_score(Decimal("270"), on=start) == "red"
