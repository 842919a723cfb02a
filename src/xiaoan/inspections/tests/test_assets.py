import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.core.errors import InvalidInput
from xiaoan.inspections import links, services
from xiaoan.inspections.testing import fill, start, system_template

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not links.assets_available(), reason="the assets module is not installed"),
]


def assets_of(city):
    from xiaoan.assets.testing import make_asset

    today = timezone.localdate()
    earlier = today - dt.timedelta(days=40)
    return (
        make_asset(city.school_a1, kind="extinguisher", location="教学楼一层", last_checked_on=earlier),
        make_asset(city.school_a1, kind="hydrant", location="操场东侧", last_checked_on=earlier),
        make_asset(city.school_a1, kind="first_aid_kit", location="医务室", last_checked_on=earlier),
        make_asset(city.school_b1, kind="extinguisher", location="卧龙区教学楼", last_checked_on=earlier),
    )


def test_a_fire_inspection_lists_the_schools_fire_assets_and_records_a_check_for_each(city):
    from xiaoan.assets.models import AssetCheck

    extinguisher, hydrant, first_aid, elsewhere = assets_of(city)
    inspection = start(city.principal, city.school_a1, system_template("monthly-fire"))
    page = city.client_for("principal").get(reverse("inspections:inspection_fill", args=[inspection.pk]))
    assert [asset.pk for asset in page.context["assets"]] == [extinguisher.pk, hydrant.pk]

    fill(city.principal, inspection)
    results = {extinguisher.pk: {"ok": True, "note": ""}, hydrant.pk: {"ok": False, "note": "水带老化"}}
    services.inspection_save(actor=city.principal, inspection=inspection, answers={}, asset_results=results)
    services.inspection_submit(actor=city.principal, inspection=inspection)

    checks = AssetCheck.objects.for_user(city.principal).order_by("asset__kind")
    assert [(c.asset_id, c.ok, c.note) for c in checks] == [
        (extinguisher.pk, True, ""),
        (hydrant.pk, False, "水带老化"),
    ]
    hydrant.refresh_from_db()
    assert hydrant.status == "faulty" and hydrant.last_checked_on == timezone.localdate()
    assert not AssetCheck.objects.for_user(city.principal).filter(asset__in=[first_aid, elsewhere]).exists()


def test_a_faulty_asset_needs_a_note_before_submitting(city):
    extinguisher = assets_of(city)[0]
    inspection = start(city.principal, city.school_a1, system_template("monthly-fire"))
    fill(city.principal, inspection)
    services.inspection_save(
        actor=city.principal, inspection=inspection, answers={}, asset_results={extinguisher.pk: {"ok": False}}
    )
    with pytest.raises(InvalidInput):
        services.inspection_submit(actor=city.principal, inspection=inspection)


def test_a_teacher_who_may_not_check_assets_fills_the_fire_check_without_them(city):
    assets_of(city)
    inspection = start(city.teacher, city.school_a1, system_template("monthly-fire"))
    page = city.client_for("teacher").get(reverse("inspections:inspection_fill", args=[inspection.pk]))
    assert page.context["assets"] == []
