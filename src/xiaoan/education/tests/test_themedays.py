import datetime as dt

import pytest

from xiaoan.education.themedays import (
    LAST_FULL_WEEK,
    LAST_MONDAY,
    last_monday_of_march,
    monday_of_last_full_week_of_march,
    safety_education_day,
    theme_days,
    upcoming,
)

YEARS = range(2015, 2041)


def test_the_tested_years_start_march_on_every_weekday():
    assert {dt.date(year, 3, 1).weekday() for year in YEARS} == set(range(7))


@pytest.mark.parametrize("year", YEARS)
def test_the_last_monday_is_a_monday_in_march_with_no_monday_after_it(year):
    day = last_monday_of_march(year)
    assert day.weekday() == 0 and day.month == 3
    assert (day + dt.timedelta(days=7)).month == 4


@pytest.mark.parametrize("year", YEARS)
def test_the_last_full_week_lies_entirely_in_march_and_no_later_full_week_does(year):
    monday = monday_of_last_full_week_of_march(year)
    assert monday.weekday() == 0
    assert monday.month == 3 and (monday + dt.timedelta(days=6)).month == 3
    assert (monday + dt.timedelta(days=13)).month == 4


@pytest.mark.parametrize(
    ("year", "announced"),
    [(2015, 30), (2016, 28), (2019, 25), (2021, 29), (2022, 28), (2023, 27), (2024, 25), (2025, 31)],
)
def test_the_default_method_gives_the_dates_the_ministry_announced(year, announced):
    assert safety_education_day(year) == dt.date(year, 3, announced)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2023, 20), (2022, 21), (2024, 25), (2026, 23), (2020, 23), (2021, 22), (2027, 22)],
)
def test_the_full_week_method_steps_back_when_march_ends_mid_week(year, expected):
    assert safety_education_day(year, LAST_FULL_WEEK) == dt.date(year, 3, expected)


def test_the_two_methods_agree_when_march_ends_on_a_sunday():
    for year in YEARS:
        if dt.date(year, 3, 31).weekday() == 6:
            assert safety_education_day(year, LAST_MONDAY) == safety_education_day(year, LAST_FULL_WEEK)


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        safety_education_day(2026, "first_monday")


@pytest.mark.parametrize("year", [2024, 2026, 2031])
def test_the_fixed_days_and_the_month_fall_on_their_dates_in_date_order(year):
    days = {day.key: day for day in theme_days(year)}
    assert days["national_security_day"].start == dt.date(year, 4, 15)
    assert days["disaster_prevention_day"].start == dt.date(year, 5, 12)
    assert (days["work_safety_month"].start, days["work_safety_month"].end) == (
        dt.date(year, 6, 1),
        dt.date(year, 6, 30),
    )
    assert days["work_safety_month"].is_month and not days["fire_safety_day"].is_month
    assert days["drowning_prevention_day"].start == dt.date(year, 7, 25)
    assert days["disaster_reduction_day"].start == dt.date(year, 10, 13)
    assert days["fire_safety_day"].start == dt.date(year, 11, 9)
    assert days["traffic_safety_day"].start == dt.date(year, 12, 2)
    starts = [day.start for day in theme_days(year)]
    assert starts == sorted(starts) and len(starts) == 8


def test_only_the_chosen_keys_are_listed_and_unknown_keys_are_ignored():
    assert [day.key for day in theme_days(2026, keys=["fire_safety_day", "no_such_day"])] == ["fire_safety_day"]


def test_upcoming_reaches_across_new_year_and_keeps_a_running_month():
    keys = [day.key for day in upcoming(dt.date(2025, 11, 25), 14)]
    assert keys == ["traffic_safety_day"]
    assert [day.key for day in upcoming(dt.date(2026, 6, 20), 14)] == ["work_safety_month"]
    assert upcoming(dt.date(2026, 1, 2), 14) == []
    assert [day.start for day in upcoming(dt.date(2026, 3, 20), 14)] == [dt.date(2026, 3, 30)]
