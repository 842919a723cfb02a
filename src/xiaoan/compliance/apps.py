from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "xiaoan.compliance"
    label = "compliance"
    verbose_name = _("合规日历")

    def ready(self) -> None:
        from xiaoan.core.notifications.registry import register_event
        from xiaoan.core.registry import NavItem, register_nav, register_widget

        from .obligations import collect_obligations
        from .widgets import WIDGETS

        collect_obligations()
        register_event(
            "compliance.due_soon",
            _("即将到期：{{ obligation }}（{{ period }}）"),
            _("“{{ obligation }}”本期（{{ period }}）将于 {{ end }} 截止，贵校尚未完成。请在截止前完成并记录。"),
        )
        register_nav(
            NavItem(
                "compliance",
                _("合规日历"),
                "compliance:home",
                icon="calendar-check",
                permission="compliance.compliancestatus.view",
                order=40,
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
