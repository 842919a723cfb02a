from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "xiaoan.families"
    label = "families"
    verbose_name = _("家校共育")

    def ready(self) -> None:
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget

        from . import models
        from .widgets import WIDGETS

        register_audited(models.Letter)
        register_audited(models.Receipt)
        register_audited(models.HomeSchoolActivity)
        register_nav(
            NavItem(
                "families.letters",
                _("家长回执"),
                "families:letter_list",
                icon="mail",
                permission="families.letter.view",
                order=60,
                group="families",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        from .demo import seed

        register_demo_seeder(DemoSeeder("families", seed, order=80))
