from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "xiaoan.education"
    label = "education"
    verbose_name = _("安全教育")

    def ready(self) -> None:
        from xiaoan.core.attachments import register_owner
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.notifications.registry import register_event
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget

        from .models import ActivityTopic, EducationActivity
        from .widgets import WIDGETS

        register_audited(EducationActivity)
        register_audited(ActivityTopic, unit_path="activity__unit__path")
        register_owner(EducationActivity)
        register_nav(
            NavItem(
                "education",
                _("安全教育"),
                "education:activity_list",
                icon="school",
                permission="education.educationactivity.view",
                order=60,
                group="drills",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        register_event(
            "education.theme_day_upcoming",
            _("{{ name }}即将到来（{{ start|date:'Y-m-d' }}）"),
            _(
                "{{ start|date:'Y-m-d' }} 是{{ name }}，还有 {{ days }} 天。请安排相应主题的安全教育活动，"
                "并在活动后登记（附照片）。"
            ),
            channels=("inbox",),
        )
        register_demo_seeder(DemoSeeder("education", _seed, order=60))


def _seed(*, scale: str, seed: int) -> None:
    from .demo import seed_demo

    seed_demo(scale=scale, seed=seed)
