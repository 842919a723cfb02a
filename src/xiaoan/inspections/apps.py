from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "xiaoan.inspections"
    label = "inspections"
    verbose_name = _("排查与专项整治")

    def ready(self) -> None:
        from xiaoan.core.attachments import register_owner
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import NavItem, register_demo_seeder, register_nav, register_widget

        from . import models
        from .demo import SEEDER
        from .widgets import WIDGETS

        register_audited(models.ChecklistTemplate, unit_path="scope_path")
        register_audited(models.InspectionPlan, unit_path="school__path")
        register_audited(models.Inspection, unit_path="school__path")
        register_audited(models.Answer, unit_path="inspection__school__path")
        register_audited(models.Campaign, unit_path="owner__path")
        register_owner(models.Answer)
        register_nav(
            NavItem(
                "inspections.due",
                _("排查"),
                "inspections:due",
                icon="checklist",
                permission="inspections.inspection.view",
                order=30,
                group="prevention",
            )
        )
        register_nav(
            NavItem(
                "inspections.campaigns",
                _("专项整治"),
                "inspections:campaign_list",
                icon="flag",
                permission="inspections.campaign.view",
                order=31,
                group="prevention",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        register_demo_seeder(SEEDER)
