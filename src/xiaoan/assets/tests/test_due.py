import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoan.assets import selectors
from xiaoan.assets.models import AssetCheck, AssetKind, AssetStatus, DueState, SafetyAsset
from xiaoan.assets.services import asset_bulk_add, asset_create, asset_record_check
from xiaoan.assets.testing import make_asset
from xiaoan.core.errors import InvalidInput, OutOfScope, PermissionDenied

START = dt.date(2026, 3, 2)


def test_an_extinguisher_is_checked_monthly_by_default_and_a_hydrant_quarterly(city):
    extinguisher = asset_create(actor=city.principal, unit=city.school_a1, kind=AssetKind.EXTINGUISHER,
                                location="一层走廊", last_checked_on=START, today=START)  # fmt: skip
    hydrant = asset_create(actor=city.principal, unit=city.school_a1, kind=AssetKind.HYDRANT, location="操场北侧",
                           last_checked_on=START, today=START)  # fmt: skip
    assert extinguisher.next_check_due == START + dt.timedelta(days=30)
    assert hydrant.next_check_due == START + dt.timedelta(days=90)


@pytest.mark.parametrize(
    ("days_later", "state"),
    [(0, ""), (22, ""), (23, DueState.CHECK_SOON), (30, DueState.CHECK_SOON), (31, DueState.CHECK_OVERDUE)],
)
def test_an_asset_becomes_due_seven_days_before_its_check_date_and_overdue_after_it(city, days_later, state):
    asset = make_asset(city.school_a1, last_checked_on=START, today=START)
    today = START + dt.timedelta(days=days_later)
    assert asset.due_state(today) == state
    due = selectors.due_assets(SafetyAsset.objects.for_user(city.principal), today)
    assert list(due) == ([asset] if state else [])


def test_expiry_makes_an_asset_due_before_and_after_the_date(city):
    asset = make_asset(city.school_a1, last_checked_on=START, today=START, expires_on=START + dt.timedelta(days=10))
    assert asset.due_state(START) == ""
    assert asset.due_state(START + dt.timedelta(days=3)) == DueState.EXPIRING
    assert asset.due_state(START + dt.timedelta(days=11)) == DueState.EXPIRED
    officer = city.county_a_officer
    expiring = selectors.asset_list(officer, {"due": "expiring"}, today=START + dt.timedelta(days=3))
    assert list(expiring) == [asset]
    assert list(selectors.asset_list(officer, {"due": "expiring"}, today=START)) == []


def test_faulty_assets_are_due_and_retired_ones_never(city):
    faulty = make_asset(city.school_a1, status=AssetStatus.FAULTY, today=START)
    retired = make_asset(city.school_a1, status=AssetStatus.RETIRED, last_checked_on=START - dt.timedelta(days=400),
                         today=START)  # fmt: skip
    assert faulty.due_state(START) == DueState.FAULTY and retired.due_state(START) == ""
    assert list(selectors.due_assets(SafetyAsset.objects.for_user(city.principal), START)) == [faulty]
    counts = selectors.due_counts(SafetyAsset.objects.for_user(city.principal), START)
    assert counts == {"due": 1, "overdue": 0, "expiring": 0, "faulty": 1}


def test_recording_a_check_keeps_history_restarts_the_cycle_and_follows_the_result(city):
    asset = make_asset(city.school_a1, last_checked_on=START, today=START)
    later = START + dt.timedelta(days=40)
    failed = asset_record_check(actor=city.guard, asset=asset, checked_on=later, ok=False, note="压力表指针在红区",
                                today=later)  # fmt: skip
    assert asset.status == AssetStatus.FAULTY and asset.last_checked_on == later
    assert asset.next_check_due == later + dt.timedelta(days=30)
    asset_record_check(actor=city.principal, asset=asset, checked_on=later, ok=True, note="已更换", today=later)
    assert asset.status == AssetStatus.IN_SERVICE
    assert list(AssetCheck.objects.filter(asset=asset).order_by("pk").values_list("ok", flat=True)) == [False, True]
    assert failed.checked_by == city.guard


def test_a_failed_check_needs_a_note_and_a_check_cannot_be_in_the_future(city):
    asset = make_asset(city.school_a1, today=START)
    with pytest.raises(ValidationError):
        asset_record_check(actor=city.principal, asset=asset, checked_on=START, ok=False, today=START)
    with pytest.raises(ValidationError):
        asset_record_check(actor=city.principal, asset=asset, checked_on=START + dt.timedelta(days=1), ok=True,
                           today=START)  # fmt: skip


def test_teachers_and_region_users_cannot_record_checks_and_outsiders_cannot_reach(city):
    asset = make_asset(city.school_a1)
    for persona in ("teacher", "county_a_officer"):
        with pytest.raises(PermissionDenied):
            asset_record_check(actor=city.people[persona], asset=asset, checked_on=asset.last_checked_on, ok=True)
    with pytest.raises(OutOfScope):
        asset_record_check(actor=city.county_b_officer, asset=asset, checked_on=asset.last_checked_on, ok=True)


def test_a_retired_asset_is_not_checked(city):
    asset = make_asset(city.school_a1, status=AssetStatus.RETIRED)
    with pytest.raises(InvalidInput):
        asset_record_check(actor=city.principal, asset=asset, checked_on=asset.last_checked_on, ok=True)


def test_bulk_add_registers_one_record_per_location(city):
    created = asset_bulk_add(actor=city.principal, unit=city.school_a1, kind=AssetKind.EXTINGUISHER,
                             rows=[("一层走廊", 4), ("二层走廊", 3)], today=START)  # fmt: skip
    assert [(asset.location, asset.quantity) for asset in created] == [("一层走廊", 4), ("二层走廊", 3)]
    assert all(asset.next_check_due == START + dt.timedelta(days=30) for asset in created)


def test_assets_for_check_gives_the_in_service_assets_of_a_school_in_the_callers_scope(city):
    extinguisher = make_asset(city.school_a1)
    hydrant = make_asset(city.school_a1, kind=AssetKind.HYDRANT)
    make_asset(city.school_a1, status=AssetStatus.RETIRED)
    make_asset(city.school_b1)
    assert set(selectors.assets_for_check(city.school_a1, user=city.principal)) == {extinguisher, hydrant}
    scoped = SafetyAsset.objects.for_user(city.principal)
    assert list(selectors.assets_for_check(city.school_a1, [AssetKind.HYDRANT], queryset=scoped)) == [hydrant]
    assert list(selectors.assets_for_check(city.school_b1, user=city.principal)) == []
