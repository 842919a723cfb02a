from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "xiaoan.hazards"
    label = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self) -> None:
        from xiaoan.core.attachments import register_owner
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget

        from . import models
        from .notices import register_events
        from .widgets import WIDGETS

        register_audited(
            models.Hazard, unit_path="unit_path", exclude=["reporter_phone", "submission_nonce", "tracking_code"]
        )
        register_audited(models.Supervision, unit_path="hazard__unit_path")
        register_audited(models.SupervisionReport, unit_path="supervision__hazard__unit_path")
        register_owner(models.Hazard, action="attach")
        register_owner(models.SupervisionReport, action="attach")
        register_events()
        register_nav(
            NavItem("hazards.report", _("报告隐患"), "hazards:report", icon="alert-triangle",
                    permission="hazards.hazard.report", order=5)
        )  # fmt: skip
        register_nav(
            NavItem("hazards.list", _("隐患治理"), "hazards:list", icon="list-check",
                    permission="hazards.hazard.view", order=20, group="prevention")
        )  # fmt: skip
        for widget in WIDGETS:
            register_widget(widget)
        register_demo_seeder(DemoSeeder("hazards", _seed, order=40))


def _seed(*, scale: str, seed: int) -> None:
    from .demo import seed_hazards

    seed_hazards(scale=scale, seed=seed)
