from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "xiaoan.students"
    label = "students"
    verbose_name = _("学生与家长名册")

    def ready(self) -> None:
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget

        from . import imports, models  # noqa: F401 - imports registers the roster import
        from .demo import seed_demo
        from .widgets import WIDGETS

        secret = ["id_number", "id_number_hash", "mobile", "mobile_hash"]  # never copied into the change log
        register_audited(models.SchoolClass)
        register_audited(models.Pupil, exclude=secret)
        register_audited(models.Guardian, exclude=secret)
        register_audited(models.Guardianship)
        register_audited(models.PupilTransfer, unit_path="to_unit__path")
        register_nav(
            NavItem(
                "students",
                _("学生名册"),
                "students:class_list",
                icon="school",
                permission="students.pupil.view",
                order=40,
                group="families",
            )
        )
        register_nav(
            NavItem(
                "students.overview",
                _("学生人数"),
                "students:class_list",
                icon="school",
                permission="students.overview",
                order=40,
                group="families",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        register_demo_seeder(DemoSeeder("students", seed_demo, order=30))
