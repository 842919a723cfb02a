"""The synthetic city's pure plans: the calendar, the shares, and rows that keep the app's invariants."""

import datetime as dt
import itertools
import random
from zoneinfo import ZoneInfo

from bench.city import drills, education, hazards, inspections, plans, risks, roster, training
from bench.city.plans import School
from bench.city.staff import Posts

TODAY = dt.date(2026, 12, 4)
TZ = ZoneInfo("Asia/Shanghai")
PRIMARY = School(id=7, path="0001/0002/0007/", stage="primary", headcount=930, staff=52, buses=True, parent_id=2)
KINDERGARTEN = School(id=8, path="0001/0002/0008/", stage="kindergarten", headcount=180, staff=22, parent_id=2)
POSTS = Posts(leader=101, officer=102, staff=103, guard=104)


def test_it_spreads_a_total_in_proportion_and_gives_every_share_at_least_one():
    shares = plans.spread(1000, [1, 1, 2, 0])
    assert sum(shares) == 1000
    assert shares[2] > shares[0] and min(shares) >= 1


def test_it_starts_the_three_school_years_on_the_first_of_september_two_years_back():
    assert plans.first_day(TODAY) == dt.date(2024, 9, 1)
    assert plans.first_day(dt.date(2027, 3, 1)) == dt.date(2024, 9, 1)
    assert plans.school_year_of(dt.date(2026, 7, 31)) == 2025


def test_it_counts_teaching_weeks_only_and_none_after_today():
    weeks = plans.teaching_weeks(plans.first_day(TODAY), TODAY)
    assert all(week.weekday() == 0 and plans.in_term(week) for week in weeks)
    assert not any(week.month in (8,) or (week.month == 7 and week.day > 5) for week in weeks)
    assert weeks[-1] <= TODAY and weeks[-1] > TODAY - dt.timedelta(days=7)
    assert 80 <= len(weeks) <= 100  # about 39 a year, two years and a term


def test_it_splits_the_school_years_into_semesters_cut_at_today():
    terms = plans.semesters(dt.date(2024, 9, 1), TODAY)
    assert terms[0] == (dt.date(2024, 9, 1), dt.date(2025, 1, 31))
    assert terms[-1] == (dt.date(2026, 8, 1), TODAY)
    assert len(terms) == 5


def test_the_same_seed_gives_the_same_stream_and_another_purpose_another():
    assert plans.rng_for(1, "x", 7).random() == plans.rng_for(1, "x", 7).random()
    assert plans.rng_for(1, "x", 7).random() != plans.rng_for(1, "y", 7).random()


def test_it_plans_classes_of_at_most_45_pupils_over_the_stage_grades():
    plan = roster.class_plan(PRIMARY, 930)
    assert sum(size for _grade, _number, size in plan) == 930
    assert {grade for grade, _number, _size in plan} == {1, 2, 3, 4, 5, 6}
    assert max(size for _grade, _number, size in plan) <= 45
    assert max(size for *_rest, size in roster.class_plan(KINDERGARTEN, 180)) <= 30


def test_it_lays_schools_out_with_contiguous_class_ids_and_pupil_offsets():
    layout = roster.layout([PRIMARY, KINDERGARTEN], 1110, first_class=50)
    assert layout[0].first_class == 50 and layout[0].first_pupil == 0
    assert layout[1].first_class == 50 + len(layout[0].classes)
    assert layout[1].first_pupil == sum(size for *_rest, size in layout[0].classes)


def test_the_guardian_pass_gives_each_father_the_surname_the_pupil_pass_drew():
    layout = roster.layout([PRIMARY], 200, first_class=1)
    pupils = list(roster.pupil_rows(layout, 5, 0.5, first_pupil=1000))
    guardians = {row[0]: row for row in roster.guardian_rows(layout, 5, 0.5, first_guardian=1)}
    assert len(pupils) == 200
    fathers = 0
    for index, pupil in enumerate(pupils):
        mother_slot = 1 + roster.GUARDIAN_SLOTS * index
        assert mother_slot in guardians
        if mother_slot + 1 in guardians:
            fathers += 1
            assert guardians[mother_slot + 1][2][0] == pupil[3][0]
    assert 60 < fathers < 140  # about half have two guardians
    assert len({row[3] for row in guardians.values()}) == len(guardians)  # every mobile sealed with its own nonce


def test_a_hazard_row_has_a_value_for_every_column_and_its_steps_in_order_and_in_the_past():
    now = dt.datetime.combine(TODAY, dt.time(23, 59), tzinfo=TZ)
    rng = random.Random(3)
    states = set()
    for hazard_id in range(1, 3000):
        row = dict(
            zip(hazards.HAZARD_COLUMNS, hazards.hazard_row(rng, hazard_id, PRIMARY, POSTS, TODAY, TZ), strict=True)
        )
        states.add(row["state"])
        steps = [row[k] for k in ("reported_at", "graded_at", "rectification_started_at", "acceptance_requested_at",
                                  "accepted_at", "closed_at") if row[k] is not None]  # fmt: skip
        assert steps == sorted(steps) and steps[-1] <= now
        assert row["reported_at"].date() >= plans.first_day(TODAY)
        if row["state"] in ("closed", "rejected"):
            assert row["closed_at"] is not None
        if row["is_supervised"]:
            assert row["grade"] == "major" and row["overdue_since"] is not None and row["state"] == "rectifying"
        if row["grade"] == "major" and row["rectification_started_at"]:
            assert row["funds"] is not None and all(row[k] for k in ("goal", "organisation", "contingency_plan"))
        assert (row["reported_by_id"] is None) == (row["source"] == "anonymous")
        assert row["number"] == f"YH-{row['reported_at'].year}-{hazard_id:06d}"
    assert states == {state for state, _share in hazards.HAZARD_STATES}


def test_a_supervision_is_listed_by_the_unit_above_after_the_hazard_fell_overdue_and_never_in_the_future():
    now = dt.datetime(2026, 12, 4, 12, tzinfo=TZ)
    overdue = dt.datetime(2026, 12, 3, tzinfo=TZ)
    rows = list(hazards.supervision_rows([(9, 7, 2, overdue), (10, 8, 99, overdue)], {2: POSTS}, now))
    assert len(rows) == 1  # unit 99 has no leader to list it
    hazard_id, unit_id, leader, _deadline, _text, status, _by, created = rows[0]
    assert (hazard_id, unit_id, leader, status) == (9, 2, 101, "open")
    assert overdue < created < now


def test_risk_reviews_come_about_once_a_cycle_after_the_point_was_created():
    days = risks.review_dates(dt.date(2024, 9, 20), dt.date(2026, 11, 1), 183, random.Random(1))
    assert days == sorted(days) and days[-1] == dt.date(2026, 11, 1) and days[0] > dt.date(2024, 9, 20)
    assert all(154 <= (b - a).days <= 183 for a, b in itertools.pairwise(days))


def test_checks_fall_in_their_period_and_never_after_today():
    patrol, fire = inspections.SCHEDULES
    start = plans.first_day(TODAY)
    days = inspections.check_days(patrol, start, TODAY, random.Random(2))
    assert all(day.weekday() < 5 and start <= day <= TODAY for day in days)
    assert len(days) < len(plans.teaching_weeks(start, TODAY))  # a few weeks are missed
    monthly = inspections.check_days(fire, start, TODAY, random.Random(2))
    assert len({(day.year, day.month) for day in monthly}) == len(monthly)


def test_drills_stop_where_the_drills_seeder_starts_and_skip_holidays():
    months = drills.drill_months(plans.first_day(TODAY), TODAY, "primary")
    assert months[-1] < dt.date(2026, 10, 1)  # the seeder writes October to December
    assert not {month.month for month in months} & {2, 7, 8}
    assert len(drills.drill_months(plans.first_day(TODAY), TODAY, "kindergarten")) < len(months)


def test_a_drill_is_held_cancelled_or_skipped_and_a_held_one_has_its_record():
    outcomes = set()
    rng = random.Random(4)
    for drill_id in range(500):
        row = drills.drill_row(rng, drill_id, PRIMARY, "fire", dt.date(2025, 3, 12), 102, TZ)
        if row is None:
            outcomes.add("skipped")
            continue
        values = dict(zip(drills.DRILL_COLUMNS, row, strict=True))
        outcomes.add(values["state"])
        assert (values["held_at"] is not None) == (values["state"] == "held")
    assert outcomes == {"held", "cancelled", "skipped"}


def test_education_dates_stay_inside_their_semester():
    days = education.activity_dates(random.Random(1), dt.date(2025, 2, 1), dt.date(2025, 7, 31), 8)
    assert days == sorted(days) and dt.date(2025, 2, 1) <= days[0] and days[-1] <= dt.date(2025, 7, 31)


def test_training_sessions_are_held_no_later_than_today_with_each_person_once():
    planned = training.sessions([PRIMARY, KINDERGARTEN], [2], TODAY, first_id=1)
    assert planned and all(session.date <= TODAY for session in planned)
    assert [s.id for s in planned] == list(range(1, len(planned) + 1))
    fire = next(s for s in planned if s.course is training.FIRE and s.unit_id == PRIMARY.id)
    people = list(training.attendees(fire, 1, PRIMARY, [(101, "张三")], []))
    keys = [training.person_key(user, name, number) for user, name, number, _c, _e in people]
    assert len(keys) == len(set(keys)) and keys[0] == "u:101"
    assert 0.7 * PRIMARY.staff < len(people) <= PRIMARY.staff
    later = next(
        s for s in planned if s.course is training.FIRE and s.unit_id == PRIMARY.id and s.year == fire.year + 1
    )
    again = {
        training.person_key(u, n, i) for u, n, i, _c, _e in training.attendees(later, 1, PRIMARY, [(101, "张三")], [])
    }
    assert len(again & set(keys)) > 0.6 * len(keys)  # the same staff, year after year
