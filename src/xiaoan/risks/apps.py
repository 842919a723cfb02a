from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "xiaoan.risks"
    label = "risks"
    verbose_name = _("风险分级管控")

    def ready(self) -> None:
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget

        from .demo import seed_risk_points
        from .models import RiskPoint, RiskReview
        from .widgets import WIDGETS

        register_audited(RiskPoint, unit_path="unit__path")
        register_audited(RiskReview, unit_path="risk_point__unit__path")
        register_nav(
            NavItem(
                "risks",
                _("风险点"),
                "risks:list",
                icon="alert-triangle",
                permission="risks.riskpoint.view",
                order=20,
                group="prevention",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        register_demo_seeder(DemoSeeder("risks", seed_risk_points, order=20))
