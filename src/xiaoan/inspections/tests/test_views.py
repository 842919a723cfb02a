import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xiaoan.inspections import links, services
from xiaoan.inspections.models import Answer, Campaign, Frequency, Inspection, InspectionState, Topic
from xiaoan.inspections.testing import answers_by_text, fill, make_plan, make_template, photo, start, system_template
from xiaoan.orgs.roles import Stage, UnitKind
from xiaoan.orgs.testing import ScopedPageContract, make_unit

pytestmark = pytest.mark.django_db


def submitted(actor, school, template=None, **extra):
    inspection = start(actor, school, template or make_template(school), **extra)
    fill(actor, inspection)
    return services.inspection_submit(actor=actor, inspection=inspection)


def running_campaign(city, **extra):
    today = timezone.localdate()
    values = {
        "actor": city.county_a_officer,
        "title": "窨井盖专项整治",
        "topic": Topic.MANHOLES,
        "template": make_template(title="窨井盖检查", items=("窨井盖完好",)),
        "starts_on": today - dt.timedelta(days=3),
        "ends_on": today + dt.timedelta(days=10),
    }
    return services.campaign_create(**{**values, **extra})


class TestTemplatePage(ScopedPageContract):
    url_name = "inspections:template_detail"
    write_url_name = "inspections:section_add"
    write_data = {"title": "新分组"}

    def make_object(self, city):
        return services.template_create(actor=city.county_a_officer, title="宛城区检查表")


class TestTemplateEditor(ScopedPageContract):
    url_name = "inspections:template_edit"
    write_url_name = "inspections:item_add"
    write_data = {"text": "新检查项", "answer_type": "pass_fail"}

    def make_object(self, city):
        return services.template_create(actor=city.county_a_officer, title="宛城区检查表")


class TestInspectionPage(ScopedPageContract):
    url_name = "inspections:inspection_detail"

    def make_object(self, city):
        return submitted(city.teacher, city.school_a1)


class TestFillPage(ScopedPageContract):
    url_name = "inspections:inspection_fill"
    insider = "teacher"
    write_url_name = "inspections:inspection_fill"
    write_data = {"action": "save"}

    def make_object(self, city):
        return start(city.teacher, city.school_a1, make_template(city.school_a1))


class TestCampaignPage(ScopedPageContract):
    url_name = "inspections:campaign_detail"

    def make_object(self, city):
        return running_campaign(city)


LIST_PAGES = [
    "inspections:due",
    "inspections:inspection_list",
    "inspections:plan_list",
    "inspections:template_list",
    "inspections:campaign_list",
    "inspections:fire_ledger",
]


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_list_pages_send_anonymous_visitors_to_the_login_page(url_name):
    response = Client().get(reverse(url_name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_list_pages_open_for_a_school_user_and_a_county_officer(city, url_name):
    for persona in ("principal", "county_a_officer"):
        assert city.client_for(persona).get(reverse(url_name)).status_code == 200, persona


def test_the_inspection_list_of_county_b_shows_none_of_county_a(city):
    own = submitted(city.teacher, city.school_a1)
    response = city.client_for("county_b_officer").get(reverse("inspections:inspection_list"))
    assert list(response.context["page"].object_list) == []
    assert list(city.client_for("county_a_officer").get(reverse("inspections:inspection_list")).context["page"]) == [
        own
    ]


def test_the_records_api_hides_county_a_from_county_b_and_answers_anonymous_with_401(city):
    own = submitted(city.teacher, city.school_a1)
    path = f"/api/v1/inspections/records/{own.pk}"
    assert Client().get(path).status_code == 401
    assert city.client_for("county_b_officer").get(path).status_code == 404
    body = city.client_for("county_a_officer").get(path).json()
    assert body["id"] == own.pk and body["state"] == "submitted" and len(body["answers"]) == 1
    listing = city.client_for("county_b_officer").get("/api/v1/inspections/records").json()
    assert listing["count"] == 0


def test_the_templates_api_lists_system_templates_and_own_county_ones(city):
    own = services.template_create(actor=city.county_a_officer, title="宛城区检查表")
    titles_a = {t["title"] for t in city.client_for("teacher").get("/api/v1/inspections/templates").json()["items"]}
    titles_b = {
        t["title"] for t in city.client_for("county_b_officer").get("/api/v1/inspections/templates").json()["items"]
    }
    assert own.title in titles_a and own.title not in titles_b
    assert "每月消防设施检查" in titles_a and "每月消防设施检查" in titles_b


def _fill_post(inspection, overrides=None):
    data = {"action": "submit", "note": ""}
    for answer in Answer.objects.system("test").filter(inspection=inspection):
        data[f"a{answer.pk}-result"] = "pass"
        data[f"a{answer.pk}-hazard"] = "on"
    data.update(overrides or {})
    return data


def test_filling_on_the_page_refuses_a_failed_item_without_its_required_photo(city):
    template = make_template(city.school_a1, items=("电源插座无破损",), photo_items=("电源插座无破损",))
    inspection = start(city.teacher, city.school_a1, template)
    answer = answers_by_text(inspection)["电源插座无破损"]
    response = city.client_for("teacher").post(
        reverse("inspections:inspection_fill", args=[inspection.pk]),
        _fill_post(inspection, {f"a{answer.pk}-result": "fail", f"a{answer.pk}-note": "插座烧焦"}),
    )
    assert response.status_code == 400
    assert "不合格，须拍照" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT
    answer.refresh_from_db()
    assert answer.result == "fail" and answer.note == "插座烧焦"  # the draft keeps what was entered


@pytest.mark.skipif(not links.hazards_available(), reason="the hazards module is not installed")
def test_submitting_on_the_page_with_a_photo_makes_the_hazard_and_shows_its_link(city):
    template = make_template(city.school_a1, items=("灭火器压力正常", "门窗完好"), hazard_category="fire",
                             photo_items=("灭火器压力正常",))  # fmt: skip
    inspection = start(city.teacher, city.school_a1, template)
    answer = answers_by_text(inspection)["灭火器压力正常"]
    client = city.client_for("teacher")
    data = _fill_post(inspection, {f"a{answer.pk}-result": "fail", f"a{answer.pk}-photo": photo()})
    response = client.post(reverse("inspections:inspection_fill", args=[inspection.pk]), data)
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    answer.refresh_from_db()
    assert answer.hazard_id
    page = client.get(inspection.get_absolute_url())
    assert reverse("hazards:detail", args=[answer.hazard_id]) in page.content.decode()


def test_a_read_only_viewer_cannot_start_an_inspection(city):
    response = city.client_for("viewer").post(reverse("inspections:start"), {"template": make_template().pk})
    assert response.status_code == 403
    assert not Inspection.objects.system("test").exists()


def test_starting_from_a_plan_opens_the_fill_page_for_the_current_period(city):
    plan = make_plan(city.school_a1, make_template(city.school_a1), Frequency.DAILY, assignee_role="staff")
    response = city.client_for("teacher").post(reverse("inspections:start"), {"plan": plan.pk})
    inspection = Inspection.objects.system("test").get(plan=plan)
    assert response["Location"] == reverse("inspections:inspection_fill", args=[inspection.pk])
    assert inspection.period_key == timezone.localdate().isoformat()


def test_a_plan_is_created_only_for_a_school_in_scope(city):
    template = make_template()
    client = city.client_for("principal")
    data = {"template": template.pk, "frequency": "weekly", "assignee_role": "guard", "starts_on": "2026-03-01"}
    assert client.post(reverse("inspections:plan_create"), {**data, "school": city.school_a1.pk}).status_code == 302
    refused = client.post(reverse("inspections:plan_create"), {**data, "school": city.school_b1.pk})
    assert refused.status_code == 200 and "school" in refused.context["form"].errors


def test_the_template_editor_adds_an_item_and_versions_after_use(city):
    template = services.template_create(actor=city.principal, title="本校巡查")
    client = city.client_for("principal")
    client.post(reverse("inspections:section_add", args=[template.pk]), {"title": "操场"})
    section = services.current_version(template).sections.get()
    data = {"section": section.pk, "text": "篮球架稳固", "answer_type": "pass_fail"}
    client.post(reverse("inspections:item_add", args=[template.pk]), data, HTTP_HX_REQUEST="true")
    submitted(city.principal, city.school_a1, template)
    response = client.post(
        reverse("inspections:item_add", args=[template.pk]), {**data, "text": "单杠无锈蚀"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "v2" in response.content.decode()
    template.refresh_from_db()
    assert template.version == 2
    current = client.get(template.get_absolute_url()).content.decode()
    first = client.get(template.get_absolute_url(), {"v": "1"}).content.decode()
    assert "单杠无锈蚀" in current and "单杠无锈蚀" not in first and "篮球架稳固" in first
    assert client.get(template.get_absolute_url(), {"v": "x"}).status_code == 200


def test_a_county_sees_campaign_completion_per_school_and_the_city_per_county(city):
    extra_school = make_unit(city.county_a, "宛城区第三小学", UnitKind.SCHOOL, "2141130209", stage=Stage.PRIMARY)
    campaign = running_campaign(city, actor=city.city_officer, stages=[Stage.PRIMARY, Stage.JUNIOR])
    submitted(city.principal, city.school_a1, campaign.template, campaign=campaign)

    by_county = city.client_for("city_officer").get(campaign.get_absolute_url()).context["groups"]
    rows = {row.name: (row.total, row.submitted, row.missing) for row in by_county}
    assert rows == {"宛城区教育体育局": (2, 1, 1), "卧龙区教育体育局": (1, 0, 1)}

    drill = city.client_for("city_officer").get(campaign.get_absolute_url(), {"county": city.county_a.pk})
    statuses = {row["school"].name: row["status"] for row in drill.context["schools"]}
    assert statuses == {"宛城区第一小学": "on_time", extra_school.name: "open"}

    outsider = city.client_for("county_b_officer").get(campaign.get_absolute_url(), {"county": city.county_a.pk})
    assert outsider.status_code == 404


def test_a_late_self_inspection_counts_as_late(city):
    campaign = running_campaign(city)
    inspection = services.inspection_start(actor=city.principal, school=city.school_a1, campaign=campaign)
    fill(city.principal, inspection)
    after_end = timezone.make_aware(dt.datetime.combine(campaign.ends_on + dt.timedelta(days=2), dt.time(9)))
    services.inspection_submit(actor=city.principal, inspection=inspection, now=after_end)
    [row] = city.client_for("county_a_officer").get(campaign.get_absolute_url()).context["groups"]
    assert (row.on_time, row.late, row.missing) == (0, 1, 1)


def test_a_school_sees_its_own_campaign_status_and_can_start(city):
    campaign = running_campaign(city)
    response = city.client_for("principal").get(campaign.get_absolute_url())
    assert response.context["covers"] and response.context["can_start"]
    started = city.client_for("principal").post(reverse("inspections:start"), {"campaign": campaign.pk})
    assert started.status_code == 302
    assert Inspection.objects.system("test").get(campaign=campaign).school == city.school_a1


def test_a_county_officer_launches_a_campaign_and_a_school_cannot(city):
    data = {"title": "校车专项", "topic": "traffic", "template": make_template().pk, "starts_on": "2026-03-01",
            "ends_on": "2026-03-31", "stages": ["primary"]}  # fmt: skip
    response = city.client_for("county_a_officer").post(reverse("inspections:campaign_create"), data)
    campaign = Campaign.objects.system("test").get(title="校车专项")
    assert response["Location"] == campaign.get_absolute_url() and campaign.owner == city.county_a
    assert city.client_for("principal").post(reverse("inspections:campaign_create"), data).status_code == 403


def test_the_fire_ledger_reads_back_with_its_sheets_and_nothing_from_other_schools(city):
    fire = system_template("monthly-fire")
    own = start(city.principal, city.school_a1, fire)
    fill(city.principal, own, failed=("安全出口指示灯完好",))
    services.inspection_submit(actor=city.principal, inspection=own)
    submitted(city.principal, city.school_a1)  # not a fire check: not in the ledger

    today = timezone.localdate()
    response = city.client_for("county_a_officer").get(
        reverse("inspections:fire_ledger"), {"school": city.school_a1.pk, "period": "month", "day": today.isoformat()}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["消防设施检查", "不合格项", "设施器材检查", "消防隐患整改"]
    checks = list(workbook["消防设施检查"].iter_rows(min_row=3, values_only=True))
    assert len(checks) == 1 and checks[0][1] == "每月消防设施检查" and checks[0][4] == 1
    findings = list(workbook["不合格项"].iter_rows(min_row=3, values_only=True))
    assert [row[2] for row in findings] == ["安全出口指示灯完好"]
    if links.hazards_available():
        hazards = list(workbook["消防隐患整改"].iter_rows(min_row=3, values_only=True))
        assert len(hazards) == 1 and hazards[0][0] == findings[0][5]
    refused = city.client_for("county_b_officer").get(
        reverse("inspections:fire_ledger"), {"school": city.school_a1.pk, "period": "month", "day": today.isoformat()}
    )
    assert refused.status_code == 200 and "school" in refused.context["form"].errors


def _many_inspections(city, rows):
    template = make_template(city.school_a1)
    for _ in range(rows):
        submitted(city.teacher, city.school_a1, template)


@pytest.mark.parametrize("rows", [2, 25])
def test_the_inspection_list_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    _many_inspections(city, rows)
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("inspections:inspection_list"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [2, 25])
def test_the_plan_and_due_pages_render_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    template = make_template(city.school_a1)
    for _ in range(rows):
        make_plan(city.school_a1, template, Frequency.WEEKLY, assignee_role="staff")
    client = city.client_for("teacher")
    with django_assert_max_num_queries(14):
        plans = client.get(reverse("inspections:plan_list"))
    with django_assert_max_num_queries(14):
        due = client.get(reverse("inspections:due"))
    assert len(plans.context["statuses"]) == rows and len(due.context["statuses"]) == rows


@pytest.mark.parametrize("rows", [2, 25])
def test_the_template_and_campaign_lists_render_in_a_bounded_number_of_queries(
    city, rows, django_assert_max_num_queries
):
    for index in range(rows):
        running_campaign(city, title=f"专项{index}")
    client = city.client_for("county_a_officer")
    with django_assert_max_num_queries(12):
        campaigns = client.get(reverse("inspections:campaign_list"))
    with django_assert_max_num_queries(12):
        templates = client.get(reverse("inspections:template_list"))
    assert len(campaigns.context["page"].object_list) == rows
    assert len(templates.context["page"].object_list) >= rows


def test_the_home_page_shows_due_inspections_to_the_school_and_campaign_completion_to_the_county(city):
    make_plan(city.school_a1, make_template(city.school_a1, title="每日巡查"), Frequency.DAILY, assignee_role="staff")
    running_campaign(city)
    teacher_home = city.client_for("teacher").get(reverse("home")).content.decode()
    county_home = city.client_for("county_a_officer").get(reverse("home")).content.decode()
    assert 'data-testid="widget-inspections-due"' in teacher_home and "每日巡查" in teacher_home
    assert 'data-testid="widget-campaigns"' in county_home and "窨井盖专项整治" in county_home
    quiet_home = city.client_for("county_b_officer").get(reverse("home")).content.decode()
    assert 'data-testid="widget-campaigns"' not in quiet_home


@pytest.mark.parametrize("rows", [1, 20])
def test_the_campaign_progress_renders_in_a_bounded_number_of_queries(city, rows, django_assert_max_num_queries):
    for index in range(rows):
        make_unit(city.county_a, f"学校{index:02d}", UnitKind.SCHOOL, f"21411399{index:02d}", stage=Stage.PRIMARY)
    campaign = running_campaign(city, actor=city.city_officer)
    submitted(city.principal, city.school_a1, campaign.template, campaign=campaign)
    client = city.client_for("city_officer")
    with django_assert_max_num_queries(14):
        by_county = client.get(campaign.get_absolute_url())
    with django_assert_max_num_queries(16):
        drill = client.get(campaign.get_absolute_url(), {"county": city.county_a.pk})
    assert sum(row.total for row in by_county.context["groups"]) == rows + 3
    assert len(drill.context["schools"]) == rows + 2
