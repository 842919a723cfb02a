import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoan.assets.models import AssetCheck, AssetStatus, SafetyAsset
from xiaoan.assets.testing import make_asset
from xiaoan.orgs.testing import ScopedApiContract, ScopedPageContract

EDIT = {
    "kind": "extinguisher",
    "location": "二层走廊",
    "quantity": "2",
    "check_cycle_days": "30",
    "status": "in_service",
}


class TestAssetPage(ScopedPageContract):
    url_name = "assets:detail"
    write_url_name = "assets:edit"
    write_data = EDIT

    def make_object(self, city):
        return make_asset(city.school_a1)


class TestAssetCheckPage(ScopedPageContract):
    url_name = "assets:detail"
    write_url_name = "assets:check"
    write_data = {"checked_on": "2026-01-05", "ok": "1"}

    def make_object(self, city):
        return make_asset(city.school_a1)


class TestAssetApi(ScopedApiContract):
    path = "/api/v1/assets/{pk}"

    def make_object(self, city):
        return make_asset(city.school_a1)


def test_a_county_officer_lists_the_own_county_assets_only(city):
    mine = make_asset(city.school_a1)
    make_asset(city.school_b1, location="卧龙二中食堂")
    response = city.client_for("county_a_officer").get(reverse("assets:list"))
    assert list(response.context["page"].object_list) == [mine]
    assert "卧龙二中食堂" not in response.content.decode()
    body = city.client_for("county_a_officer").get("/api/v1/assets").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]


def test_the_due_filter_finds_overdue_and_faulty_assets(city):
    today = timezone.localdate()
    overdue = make_asset(city.school_a1, last_checked_on=today - dt.timedelta(days=45))
    faulty = make_asset(city.school_a1, status=AssetStatus.FAULTY)
    make_asset(city.school_a1)
    client = city.client_for("principal")
    assert list(client.get(reverse("assets:list"), {"due": "overdue"}).context["page"].object_list) == [overdue]
    assert list(client.get(reverse("assets:list"), {"due": "faulty"}).context["page"].object_list) == [faulty]
    assert set(client.get(reverse("assets:list"), {"due": "any"}).context["page"].object_list) == {overdue, faulty}


@pytest.mark.parametrize("rows", [3, 60])
def test_the_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_asset(city.school_a1, location=f"位置{index}")
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("assets:list"))
    assert response.context["page"].paginator.count == rows
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/assets").json()["count"] == rows


def test_a_guard_records_a_check_on_the_phone_form(city):
    asset = make_asset(city.school_a1, last_checked_on=timezone.localdate() - dt.timedelta(days=40))
    client = city.client_for("guard")
    page = client.get(reverse("assets:check", args=[asset.pk]))
    assert page.status_code == 200 and 'name="ok"' in page.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(reverse("assets:check", args=[asset.pk]), {"checked_on": today, "ok": "0", "note": "缺压"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == AssetStatus.FAULTY
    assert AssetCheck.objects.get(asset=asset).note == "缺压"


def test_a_failed_check_without_a_note_re_renders_with_the_message(city):
    asset = make_asset(city.school_a1)
    today = timezone.localdate().isoformat()
    url = reverse("assets:check", args=[asset.pk])
    response = city.client_for("principal").post(url, {"checked_on": today, "ok": "0"})
    assert response.status_code == 200 and "不合格时请写明问题" in response.content.decode()


def test_a_principal_registers_and_edits_an_asset(city):
    client = city.client_for("principal")
    data = {**EDIT, "check_cycle_days": "", "location": "校医室", "kind": "aed"}
    response = client.post(reverse("assets:create"), data)
    asset = SafetyAsset.objects.get(location="校医室")
    assert response.status_code == 302 and asset.check_cycle_days == 30 and asset.unit == city.school_a1
    client.post(reverse("assets:edit", args=[asset.pk]), {**EDIT, "kind": "aed", "location": "体育馆", "quantity": "1"})
    asset.refresh_from_db()
    assert asset.location == "体育馆"


def test_bulk_add_on_the_page_takes_location_and_quantity_lines(city):
    client = city.client_for("principal")
    data = {"kind": "extinguisher", "rows": "教学楼一层走廊 4\n教学楼二层走廊，3\n\n", "expires_on": "2030-01-01"}
    assert client.post(reverse("assets:bulk"), data).status_code == 302
    rows = SafetyAsset.objects.order_by("location").values_list("location", "quantity")
    assert list(rows) == [("教学楼一层走廊", 4), ("教学楼二层走廊", 3)]
    bad = client.post(reverse("assets:bulk"), {"kind": "extinguisher", "rows": "没有数量"})
    assert bad.status_code == 200 and "第 1 行" in bad.content.decode()


def test_region_users_get_403_on_the_create_page(city):
    assert city.client_for("county_a_officer").get(reverse("assets:create")).status_code == 403


def test_the_home_widget_counts_due_assets_and_hides_when_none(city):
    client = city.client_for("county_a_officer")
    make_asset(city.school_a1)
    assert 'data-widget="assets.due"' not in client.get(reverse("home")).content.decode()
    make_asset(city.school_a1, status=AssetStatus.FAULTY)
    assert 'data-widget="assets.due"' in client.get(reverse("home")).content.decode()


def test_the_xlsx_ledger_holds_only_rows_in_scope(city):
    make_asset(city.school_a1, location="宛城一小食堂")
    make_asset(city.school_b1, location="卧龙二中食堂")
    response = city.client_for("county_a_officer").get(reverse("assets:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "安全设施设备台帐" in rows[0][0]
    assert [row[4] for row in rows[2:]] == ["宛城一小食堂"]
