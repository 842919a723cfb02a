from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xiaoan.core.audit"
    label = "audit"
    verbose_name = "审计 Audit"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from xiaoan.core.registry import NavItem, register_nav

        from . import receivers  # noqa: F401 - connects the auth signal receivers

        register_nav(
            NavItem(
                key="audit",
                label=_("审计日志"),
                url_name="audit:list",
                permission="audit.auditevent.view",
                order=900,
                group="admin",
            )
        )
