from xiaoan.assets.demo import seed_assets
from xiaoan.assets.models import SafetyAsset
from xiaoan.risks.demo import seed_risk_points
from xiaoan.risks.models import RiskPoint


def test_the_demo_seeders_give_every_school_graded_risk_points_and_assets(city):
    assert seed_risk_points(scale="demo", seed=2026) == RiskPoint.objects.count() > 0
    assert seed_assets(scale="demo", seed=2026) == SafetyAsset.objects.count() > 0
    for school in (city.school_a1, city.kindergarten_a2, city.school_b1):
        assert RiskPoint.objects.filter(unit=school).exists() and SafetyAsset.objects.filter(unit=school).exists()
    assert not RiskPoint.objects.filter(unit=city.kindergarten_a2, name__contains="化学实验室").exists()
    assert set(RiskPoint.objects.values_list("level", flat=True)) >= {"orange", "yellow", "blue"}


def test_the_demo_seeders_skip_the_city_scale(city):
    assert seed_risk_points(scale="city", seed=2026) == 0 and seed_assets(scale="city", seed=2026) == 0
