from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "xiaoan.training"
    label = "training"
    verbose_name = _("安全培训")

    def ready(self) -> None:
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget
        from xiaoan.core.tabular.spec import register_spec

        from .imports import AttendeeImport
        from .models import TrainingRecord, TrainingSession
        from .widgets import WIDGETS

        register_audited(TrainingSession)
        register_audited(TrainingRecord, unit_path="session__unit__path", exclude=["person_key"])
        register_spec(AttendeeImport)
        register_nav(
            NavItem(
                "training",
                _("安全培训"),
                "training:session_list",
                icon="certificate",
                permission="training.trainingsession.view",
                order=61,
                group="drills",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        register_demo_seeder(DemoSeeder("training", _seed, order=61))


def _seed(*, scale: str, seed: int) -> None:
    from .demo import seed_demo

    seed_demo(scale=scale, seed=seed)
