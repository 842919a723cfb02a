import pytest
from django.test import override_settings

from xiaoan.core.workflow.models import TransitionLog
from xiaoan.hazards import demo
from xiaoan.hazards.models import Hazard, State, Supervision
from xiaoan.orgs.demo.builder import build

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_makes_hazards_in_every_state_through_the_services(tmp_path):
    with override_settings(VAR_DIR=tmp_path, DEMO_MODE=False, MEDIA_ROOT=tmp_path / "media"):
        build(scale="demo", seed=2026, schools=None, demo_passwords=False)
        demo.seed_hazards(scale="demo", seed=2026)
    hazards = Hazard.objects.system("test")
    assert set(hazards.values_list("state", flat=True)) == set(State.values)
    assert hazards.filter(overdue_since__isnull=False).count() == 2
    supervision = Supervision.objects.system("test").get()
    assert supervision.hazard.is_supervised and supervision.reports.count() == 1
    assert TransitionLog.objects.filter(transition="close").count() == 2
    assert hazards.values("unit").distinct().count() > 1


def test_the_demo_seeder_does_nothing_without_the_demo_accounts():
    demo.seed_hazards(scale="city", seed=1)
    assert not Hazard.objects.system("test").exists()
