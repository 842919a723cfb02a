import datetime as dt

import pytest

from xiaoan.compliance.periods import (
    MONTH,
    QUARTER,
    ROLLING,
    SEMESTER,
    YEAR,
    parse_month_day,
    period_containing,
    previous_period,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (D(2026, 1, 31), "2026-01", D(2026, 1, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), "2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        (D(2028, 2, 29), "2028-02", D(2028, 2, 1), D(2028, 2, 29)),
        (D(2026, 12, 31), "2026-12", D(2026, 12, 1), D(2026, 12, 31)),
    ],
)
def test_it_cuts_calendar_months_at_their_last_day(day, key, start, end):
    period = period_containing(MONTH, day)
    assert (period.key, period.start, period.end) == (key, start, end)


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (D(2026, 3, 31), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), "2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 9, 30), "2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 12, 31), "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_it_cuts_quarters_on_calendar_boundaries(day, key, start, end):
    period = period_containing(QUARTER, day)
    assert (period.key, period.start, period.end) == (key, start, end)


@pytest.mark.parametrize(
    ("day", "key", "start", "end"),
    [
        (D(2026, 1, 31), "2025-AU", D(2025, 8, 1), D(2026, 1, 31)),
        (D(2026, 2, 1), "2026-SP", D(2026, 2, 1), D(2026, 7, 31)),
        (D(2026, 7, 31), "2026-SP", D(2026, 2, 1), D(2026, 7, 31)),
        (D(2026, 8, 1), "2026-AU", D(2026, 8, 1), D(2027, 1, 31)),
    ],
)
def test_it_splits_the_school_year_into_spring_and_autumn_semesters(day, key, start, end):
    period = period_containing(SEMESTER, day)
    assert (period.key, period.start, period.end) == (key, start, end)


def test_it_moves_semester_boundaries_when_the_calendar_is_configured_otherwise():
    period = period_containing(SEMESTER, D(2026, 2, 20), spring=(2, 25), autumn=(9, 1))
    assert (period.key, period.start, period.end) == ("2025-AU", D(2025, 9, 1), D(2026, 2, 24))


def test_it_refuses_a_spring_that_starts_after_autumn():
    with pytest.raises(ValueError):
        period_containing(SEMESTER, D(2026, 3, 1), spring=(9, 1), autumn=(2, 1))


def test_it_gives_years_and_rolling_windows_that_end_on_the_day():
    assert period_containing(YEAR, D(2026, 6, 1)).end == D(2026, 12, 31)
    window = period_containing(ROLLING, D(2026, 3, 10), window_days=10)
    assert (window.start, window.end) == (D(2026, 3, 1), D(2026, 3, 10))


def test_it_steps_back_to_the_previous_period_across_a_year():
    assert previous_period(period_containing(MONTH, D(2026, 1, 15))).key == "2025-12"
    assert previous_period(period_containing(QUARTER, D(2026, 1, 15))).key == "2025-Q4"
    assert previous_period(period_containing(SEMESTER, D(2026, 3, 1))).key == "2025-AU"


def test_it_reads_month_day_settings_and_rejects_impossible_dates():
    assert parse_month_day("02-01") == (2, 1)
    with pytest.raises(ValueError):
        parse_month_day("02-30")


def test_it_labels_periods_in_chinese():
    assert period_containing(MONTH, D(2026, 3, 5)).label == "2026年3月"
    assert period_containing(SEMESTER, D(2026, 9, 5)).label == "2026年秋季学期"
