import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.orgs.models import Unit
from xiaoan.orgs.roles import Stage, UnitKind
from xiaoan.orgs.testing import ScopedPageContract, make_unit

VALID_SCHOOL = {
    "name": "宛城区第三小学",
    "kind": UnitKind.SCHOOL,
    "code": "2141130209",
    "stage": Stage.PRIMARY,
    "pupils": "800",
    "boarders": "0",
    "staff_count": "50",
    "address": "南阳市宛城区",
}


def city_admin_client(city):
    """City administrators must use a second factor; this one has set it up."""
    city.city_admin.totp_confirmed = True
    city.city_admin.save(update_fields=["totp_confirmed"])
    return city.client_for("city_admin")


def schools_of(county, count, start=0):
    for index in range(start, start + count):
        make_unit(county, f"学校{index:03d}", UnitKind.SCHOOL, f"21411390{index:02d}", stage=Stage.PRIMARY)


class TestUnitPage(ScopedPageContract):
    url_name = "orgs:unit_detail"
    write_url_name = "orgs:unit_edit"
    write_data = {**VALID_SCHOOL, "code": "2141130201", "parent": ""}

    def make_object(self, city):
        return city.school_a1


def test_the_unit_list_of_a_county_officer_has_all_its_schools_and_none_of_another_county(city):
    response = city.client_for("county_a_officer").get(reverse("orgs:unit_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "宛城区第一小学" in body and "宛城区实验幼儿园" in body
    assert "卧龙区" not in body
    assert list(response.context["page"].object_list) == [city.county_a, city.school_a1, city.kindergarten_a2]


def test_the_unit_list_filters_by_stage_and_by_text(city):
    client = city.client_for("city_officer")
    by_stage = client.get(reverse("orgs:unit_list"), {"stage": Stage.KINDERGARTEN})
    assert list(by_stage.context["page"].object_list) == [city.kindergarten_a2]
    by_text = client.get(reverse("orgs:unit_list"), {"q": "卧龙"})
    assert set(by_text.context["page"].object_list) == {city.county_b, city.school_b1}


def test_the_unit_list_filters_by_county_only_among_counties_in_scope(city):
    client = city.client_for("city_officer")
    response = client.get(reverse("orgs:unit_list"), {"county": city.county_b.pk, "kind": UnitKind.SCHOOL})
    assert list(response.context["page"].object_list) == [city.school_b1]
    outsider = city.client_for("county_a_officer").get(reverse("orgs:unit_list"), {"county": city.county_b.pk})
    assert "卧龙区" not in outsider.content.decode()


def test_an_htmx_request_gets_only_the_table(city):
    response = city.client_for("city_officer").get(reverse("orgs:unit_list"), {"q": "幼儿园"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="unit-table"')
    assert "宛城区实验幼儿园" in body and "<html" not in body


@pytest.mark.parametrize("rows", [5, 60])
def test_the_unit_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    schools_of(city.county_a, rows)
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("orgs:unit_list"))
    assert len(response.context["page"].object_list) == min(rows + 3, 50)


def test_a_county_admin_creates_a_school_in_the_own_county(city):
    client = city.client_for("county_a_admin")
    response = client.post(reverse("orgs:unit_create"), {**VALID_SCHOOL, "parent": city.county_a.pk})
    unit = Unit.objects.get(code="2141130209")
    assert response.status_code == 302 and response["Location"] == unit.get_absolute_url()
    assert unit.parent == city.county_a and unit.path.startswith(city.county_a.path)


def test_creating_into_another_county_is_refused_and_creates_nothing(city):
    client = city.client_for("county_a_admin")
    response = client.post(reverse("orgs:unit_create"), {**VALID_SCHOOL, "parent": city.county_b.pk})
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Unit.objects.filter(code="2141130209").exists()


def test_the_parent_choices_are_only_bureaus_in_scope(city):
    response = city.client_for("county_a_admin").get(reverse("orgs:unit_create"))
    assert list(response.context["form"].fields["parent"].queryset) == [city.county_a]


def test_an_invalid_school_code_is_shown_as_a_form_error_in_chinese_and_english(city):
    client = city.client_for("county_a_admin")
    response = client.post(reverse("orgs:unit_create"), {**VALID_SCHOOL, "code": "12345", "parent": city.county_a.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "学校标识码应为10位数字" in body and "must be 10 digits" in body


def test_a_duplicate_code_is_a_form_error_not_a_500(city):
    client = city.client_for("county_a_admin")
    data = {**VALID_SCHOOL, "code": city.school_b1.code, "parent": city.county_a.pk}
    response = client.post(reverse("orgs:unit_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Unit.objects.filter(code=city.school_b1.code).count() == 1


def test_a_school_admin_may_not_open_the_create_page(city):
    response = city.client_for("school_admin").get(reverse("orgs:unit_create"))
    assert response.status_code == 403


def test_a_school_admin_edits_the_own_school(city):
    client = city.client_for("school_admin")
    data = {**VALID_SCHOOL, "name": "宛城区第一实验小学", "code": "2141130201", "pupils": "1300"}
    response = client.post(reverse("orgs:unit_edit", args=[city.school_a1.pk]), data)
    city.school_a1.refresh_from_db()
    assert response.status_code == 302
    assert city.school_a1.name == "宛城区第一实验小学" and city.school_a1.pupils == 1300


def test_the_city_admin_moves_a_school_to_another_county_level_unit(city):
    district = make_unit(city.root, "城乡一体化示范区教育中心", UnitKind.COUNTY_BUREAU, "411371")
    client = city_admin_client(city)
    data = {**VALID_SCHOOL, "code": city.school_a1.code, "parent": district.pk}
    response = client.post(reverse("orgs:unit_edit", args=[city.school_a1.pk]), data)
    city.school_a1.refresh_from_db()
    assert response.status_code == 302
    assert city.school_a1.parent == district and city.school_a1.path.startswith(district.path)


def test_boarders_above_pupils_are_refused_with_the_message(city):
    client = city.client_for("school_admin")
    data = {**VALID_SCHOOL, "code": city.school_a1.code, "pupils": "10", "boarders": "20", "is_boarding": "on"}
    response = client.post(reverse("orgs:unit_edit", args=[city.school_a1.pk]), data)
    assert response.status_code == 200
    assert "住宿生数不能超过在校学生数" in response.content.decode()
    city.school_a1.refresh_from_db()
    assert city.school_a1.boarders == 0


def test_the_unit_page_shows_attributes_children_and_people(city):
    response = city.client_for("county_a_admin").get(reverse("orgs:unit_detail", args=[city.county_a.pk]))
    body = response.content.decode()
    assert "宛城区第一小学" in body and "411302" in body
    assert 'data-testid="unit-people"' in body and "county_a_officer" in body


def test_the_unit_list_exports_only_in_scope_rows_as_xlsx(city):
    response = city.client_for("county_a_officer").get(reverse("orgs:unit_export"), {"kind": UnitKind.SCHOOL})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["宛城区第一小学", "宛城区实验幼儿园"]


def test_a_guard_may_not_export_the_unit_list(city):
    assert city.client_for("guard").get(reverse("orgs:unit_export")).status_code == 403


def test_the_school_directory_prints_the_in_scope_schools_as_pdf(city, tmp_path):
    import subprocess

    response = city.client_for("county_a_officer").get(reverse("orgs:school_directory_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "directory.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "宛城区第一小学" in text and "2141130202" in text
    assert "卧龙区第二中学" not in text
