from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xiaoan.core"
    label = "core"
    verbose_name = "核心 Core"

    def ready(self) -> None:
        from .registry import register_nav_group

        # the bar's headings; modules put their entries under them (NavItem.group)
        register_nav_group("prevention", _("双重预防"), 20)
        register_nav_group("families", _("学生与家长"), 45)
        register_nav_group("drills", _("演练与教育"), 50)
        register_nav_group("admin", _("管理"), 900)
