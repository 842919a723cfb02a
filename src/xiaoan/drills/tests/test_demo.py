import datetime as dt

from xiaoan.compliance.models import ComplianceStatus
from xiaoan.drills.demo import seed
from xiaoan.drills.models import Drill, EmergencyPlan


def test_the_demo_seeder_adds_plans_a_drill_history_and_the_statuses(city):
    created = seed(scale="demo", seed=7, today=dt.date(2026, 5, 20))
    assert created == Drill.objects.system("test").count() > 0
    assert EmergencyPlan.objects.system("test").filter(current_version__isnull=False).count() == 6
    assert ComplianceStatus.objects.system("test").filter(obligation="drills.monthly", period_key="2026-04").exists()
