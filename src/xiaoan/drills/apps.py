from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "xiaoan.drills"
    label = "drills"
    verbose_name = _("应急预案与演练")

    def ready(self) -> None:
        from xiaoan.core.attachments import register_owner
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.notifications.registry import register_event
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav

        from . import models
        from .demo import seed

        for model in (models.EmergencyPlan, models.Drill):
            register_audited(model, unit_path="unit__path")
        register_audited(models.PlanVersion, unit_path="plan__unit__path")
        register_audited(models.DrillFollowUp, unit_path="drill__unit__path")
        register_owner(models.Drill)
        register_owner(models.PlanVersion)
        register_nav(
            NavItem(
                "drills",
                _("应急演练"),
                "drills:drill_list",
                icon="run",
                permission="drills.drill.view",
                order=41,
                group="drills",
            )
        )
        register_demo_seeder(DemoSeeder("drills", seed, order=60))
        register_event(
            "drills.plan_review_due",
            _("应急预案待复核：{{ plan }}"),
            _(
                "{{ school }}的“{{ plan }}”现行版本修订于 {{ revised_on }}，已超过复核周期。"
                "请组织复核修订，并在平台登记新版本。"
            ),
            channels=("inbox",),
        )
