import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from xiaoan.core.errors import InvalidInput, OutOfScope, PermissionDenied
from xiaoan.inspections import links, services
from xiaoan.inspections.catalogue import SYSTEM_TEMPLATES
from xiaoan.inspections.models import (
    Answer,
    AnswerType,
    ChecklistTemplate,
    Inspection,
    InspectionState,
    Item,
    Result,
    Topic,
)
from xiaoan.inspections.testing import answers_by_text, fill, make_plan, make_template, photo, start, system_template

pytestmark = pytest.mark.django_db


def test_the_shipped_templates_exist_after_migrating_with_8_to_20_items_each():
    codes = {spec["code"] for spec in SYSTEM_TEMPLATES}
    templates = ChecklistTemplate.objects.system("test").filter(code__in=codes, owner__isnull=True)
    assert templates.count() == 6
    for template in templates:
        count = Item.objects.filter(section__version__template=template).count()
        assert 8 <= count <= 20, template.title
    fire = system_template("monthly-fire")
    assert fire.checks_assets and fire.hazard_category == "fire"
    assert Item.objects.filter(section__version__template=fire, text="灭火器压力指针在绿区").exists()


def test_a_county_template_is_visible_below_it_but_not_in_the_other_county(city):
    template = services.template_create(actor=city.county_a_officer, title="宛城区校园安全检查")
    assert template.owner == city.county_a
    for persona in ("teacher", "county_a_officer", "city_officer"):
        assert ChecklistTemplate.objects.for_user(city.people[persona]).filter(pk=template.pk).exists(), persona
    assert not ChecklistTemplate.objects.for_user(city.county_b_officer).filter(pk=template.pk).exists()
    assert ChecklistTemplate.objects.for_user(city.county_b_officer).filter(code="daily-patrol").exists()


def test_a_school_may_not_edit_the_county_template_nor_a_system_one(city):
    county_template = services.template_create(actor=city.county_a_officer, title="县级模板")
    section = services.section_add(actor=city.county_a_officer, template=county_template, title="门卫")
    with pytest.raises(OutOfScope):
        services.item_add(actor=city.principal, template=county_template, section=section, text="门卫值守")
    with pytest.raises(InvalidInput):
        services.section_add(actor=city.county_a_officer, template=system_template("canteen"), title="新增")


def test_an_edit_after_use_creates_a_new_version_and_the_old_inspection_keeps_its_items(city):
    template = services.template_create(actor=city.principal, title="本校巡查")
    section = services.section_add(actor=city.principal, template=template, title="教学楼")
    services.item_add(actor=city.principal, template=template, section=section, text="楼梯扶手牢固")
    services.item_add(actor=city.principal, template=template, section=section, text="走廊灯具完好")
    template.refresh_from_db()
    assert template.version == 1  # unused: edits go into version 1
    used = start(city.principal, city.school_a1, template)

    old_item = Item.objects.get(section__version=used.version, text="走廊灯具完好")
    services.item_remove(actor=city.principal, template=template, item=old_item)
    services.item_add(actor=city.principal, template=template, section=section, text="消防栓无遮挡")

    template.refresh_from_db()
    assert template.version == 2
    assert set(answers_by_text(used)) == {"楼梯扶手牢固", "走廊灯具完好"}
    assert set(Item.objects.filter(section__version=used.version).values_list("text", flat=True)) == {
        "楼梯扶手牢固",
        "走廊灯具完好",
    }
    fresh = start(city.teacher, city.school_a1, template)
    assert fresh.version.number == 2
    assert set(answers_by_text(fresh)) == {"楼梯扶手牢固", "消防栓无遮挡"}


def test_a_number_outside_its_range_is_a_fail(city):
    inspection = start(city.principal, city.school_a1, system_template("canteen"))
    answer = answers_by_text(inspection)["冷藏设施温度"]
    for value, expected in (("4", Result.PASS), ("12.5", Result.FAIL), ("-1", Result.FAIL)):
        services.inspection_save(
            actor=city.principal, inspection=inspection, answers={answer.pk: {"number": Decimal(value)}}
        )
        answer.refresh_from_db()
        assert answer.result == expected, value


def test_submitting_refuses_a_failed_item_that_needs_a_photo_without_one(city):
    template = make_template(city.school_a1, items=("门窗完好", "电源插座无破损"), photo_items=("电源插座无破损",))
    inspection = start(city.principal, city.school_a1, template)
    fill(city.principal, inspection, failed=("电源插座无破损",))
    with pytest.raises(InvalidInput) as refusal:
        services.inspection_submit(actor=city.principal, inspection=inspection)
    assert "电源插座无破损" in str(refusal.value.message) and "须拍照" in str(refusal.value.message)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT

    fill(city.principal, inspection, failed=("电源插座无破损",), photos={"电源插座无破损": photo()})
    services.inspection_submit(actor=city.principal, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED and inspection.failed_count == 1


def test_submitting_refuses_unanswered_items(city):
    inspection = start(city.principal, city.school_a1, make_template(city.school_a1, items=("门窗完好", "灯具完好")))
    with pytest.raises(InvalidInput) as refusal:
        services.inspection_submit(actor=city.principal, inspection=inspection)
    assert "灯具完好" in str(refusal.value.message)


def test_a_submitted_inspection_cannot_be_changed(city):
    inspection = start(city.principal, city.school_a1, make_template(city.school_a1))
    fill(city.principal, inspection)
    services.inspection_submit(actor=city.principal, inspection=inspection)
    with pytest.raises(InvalidInput):
        fill(city.principal, inspection)


def test_a_viewer_and_another_county_may_not_start_an_inspection(city):
    template = make_template()
    with pytest.raises(PermissionDenied):
        start(city.viewer, city.school_a1, template)
    with pytest.raises(OutOfScope):
        start(city.county_b_officer, city.school_a1, template)


def test_starting_a_plans_period_twice_reopens_the_same_draft(city):
    plan = make_plan(city.school_a1, make_template(city.school_a1), "weekly", assignee_role="staff")
    first = services.inspection_start(actor=city.teacher, school=city.school_a1, plan=plan, today=dt.date(2026, 3, 2))
    again = services.inspection_start(actor=city.teacher, school=city.school_a1, plan=plan, today=dt.date(2026, 3, 8))
    later = services.inspection_start(actor=city.teacher, school=city.school_a1, plan=plan, today=dt.date(2026, 3, 9))
    assert first.pk == again.pk and first.period_key == "2026-W10"
    assert later.pk != first.pk and later.period_key == "2026-W11"


@pytest.mark.skipif(not links.hazards_available(), reason="the hazards module is not installed")
def test_every_failed_item_becomes_a_hazard_in_one_step_linked_back(city):
    from xiaoan.hazards.models import Hazard

    template = make_template(
        city.school_a1,
        title="每月消防检查",
        items=("灭火器压力正常", "安全出口指示灯完好", "疏散通道畅通"),
        hazard_category="fire",
        photo_items=("灭火器压力正常",),
    )
    inspection = start(city.teacher, city.school_a1, template)
    fill(city.teacher, inspection, failed=("灭火器压力正常", "安全出口指示灯完好"), photos={"灭火器压力正常": photo()})
    skipped = answers_by_text(inspection)["安全出口指示灯完好"]
    Answer.objects.system("test").filter(pk=skipped.pk).update(make_hazard=False)

    services.inspection_submit(actor=city.teacher, inspection=inspection)

    answers = answers_by_text(inspection)
    made = answers["灭火器压力正常"]
    assert made.hazard_id is not None and answers["安全出口指示灯完好"].hazard_id is None
    hazard = Hazard.objects.for_user(city.principal).get(pk=made.hazard_id)
    assert hazard.unit == city.school_a1 and hazard.category == "fire" and hazard.source == "inspection"
    assert "灭火器压力正常" in hazard.description and "损坏" in hazard.description
    assert (hazard.source_kind, hazard.source_id) == ("inspections.answer", made.pk)
    assert hazard.photo_links.count() == 1
    from xiaoan.inspections.selectors import inspection_for_hazard

    assert inspection_for_hazard(city.principal, hazard.pk) == inspection
    assert inspection_for_hazard(city.county_b_officer, hazard.pk) is None


@pytest.mark.skipif(not links.hazards_available(), reason="the hazards module is not installed")
def test_campaign_findings_become_hazards_tagged_with_the_campaign(city):
    from xiaoan.hazards.models import Hazard

    campaign = services.campaign_create(
        actor=city.county_a_officer,
        title="危化品专项整治",
        topic=Topic.CHEMICALS,
        template=make_template(title="危化品检查", items=("双人双锁", "台账完整"), hazard_category="laboratory"),
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
    )
    inspection = services.inspection_start(
        actor=city.principal, school=city.school_a1, campaign=campaign, today=dt.date(2026, 3, 5)
    )
    fill(city.principal, inspection, failed=("双人双锁",))
    services.inspection_submit(actor=city.principal, inspection=inspection)
    hazard = Hazard.objects.for_user(city.principal).get(pk=answers_by_text(inspection)["双人双锁"].hazard_id)
    assert hazard.source == "campaign" and hazard.campaign_ref == campaign.pk
    assert hazard.category == "laboratory"


def test_a_campaign_refuses_schools_it_does_not_cover_and_starts_before_its_window(city):
    campaign = services.campaign_create(
        actor=city.county_a_officer,
        title="幼儿园专项",
        topic=Topic.BUILDINGS,
        template=make_template(),
        stages=["kindergarten"],
        starts_on=dt.date(2026, 3, 10),
        ends_on=dt.date(2026, 3, 31),
    )
    with pytest.raises(InvalidInput):
        services.inspection_start(
            actor=city.principal, school=city.school_a1, campaign=campaign, today=dt.date(2026, 3, 12)
        )
    assert campaign.covers(city.kindergarten_a2) and not campaign.covers(city.school_b1)
    assert not Inspection.objects.system("test").filter(campaign=campaign).exists()


def test_a_campaign_is_launched_only_by_a_bureau_and_keeps_its_window_in_order(city):
    template = make_template()
    window = {"starts_on": dt.date(2026, 3, 1), "ends_on": dt.date(2026, 3, 31)}
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=city.principal, title="x", topic=Topic.OTHER, template=template, **window)
    with pytest.raises(InvalidInput):
        services.campaign_create(
            actor=city.county_a_officer,
            title="x",
            topic=Topic.OTHER,
            template=template,
            starts_on=dt.date(2026, 3, 31),
            ends_on=dt.date(2026, 3, 1),
        )


def test_the_answer_type_of_a_photo_item_needs_a_photo(city):
    template = make_template(city.school_a1, items=("门窗完好",))
    Item.objects.create(section=template.versions.get().sections.get(), order=9, text="拍摄校门全景",
                        answer_type=AnswerType.PHOTO)  # fmt: skip
    inspection = start(city.principal, city.school_a1, template)
    fill(city.principal, inspection)
    with pytest.raises(InvalidInput) as refusal:
        services.inspection_submit(actor=city.principal, inspection=inspection)
    assert "拍摄校门全景" in str(refusal.value.message)
    fill(city.principal, inspection, photos={"拍摄校门全景": photo()})
    assert services.inspection_submit(actor=city.principal, inspection=inspection).state == InspectionState.SUBMITTED


def test_a_submitted_fire_check_meets_the_monthly_fire_check_obligation(city, django_capture_on_commit_callbacks):
    from xiaoan.compliance.models import ComplianceStatus, Status

    inspection = start(city.principal, city.school_a1, system_template("monthly-fire"))
    fill(city.principal, inspection)
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_submit(actor=city.principal, inspection=inspection)
    row = ComplianceStatus.objects.system("test").get(
        unit=city.school_a1, obligation="inspections.monthly_fire_check", period_key=f"{timezone.localdate():%Y-%m}"
    )
    assert row.status == Status.MET and row.evidence == [inspection.pk]
