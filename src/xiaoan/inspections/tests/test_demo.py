import pytest
from django.test import override_settings

from xiaoan.inspections import demo, links
from xiaoan.inspections.models import Campaign, Inspection, InspectionPlan, InspectionState
from xiaoan.orgs.demo.builder import build

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_adds_plans_a_fire_check_with_a_finding_and_a_running_campaign(tmp_path):
    with override_settings(VAR_DIR=tmp_path, DEMO_MODE=False):
        build(scale="demo", seed=2026, schools=None, demo_passwords=False)
        demo.seed(scale="demo", seed=2026)
    plans = InspectionPlan.objects.system("test")
    assert plans.filter(template__code="daily-patrol").count() == plans.filter(template__code="monthly-fire").count()
    assert plans.count() >= 20
    fire = Inspection.objects.system("test").get(version__template__code="monthly-fire")
    assert fire.state == InspectionState.SUBMITTED and fire.failed_count == 1
    finding = fire.answers.get(result="fail")
    assert finding.item.text == demo.FAILED_ITEM
    assert (finding.hazard_id is not None) == links.hazards_available()
    campaign = Campaign.objects.system("test").get()
    assert campaign.inspections.filter(state=InspectionState.SUBMITTED).count() == 1


def test_the_demo_seeder_adds_nothing_at_city_scale():
    demo.seed(scale="city", seed=1)
    assert not InspectionPlan.objects.system("test").exists()
