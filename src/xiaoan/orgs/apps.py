from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "xiaoan.orgs"
    label = "orgs"
    verbose_name = "组织机构 Organisations"

    def ready(self) -> None:
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.scoping import register_policy

        from . import models, sessions  # noqa: F401 - registers the sign-in receiver
        from .permissions import collect_permissions
        from .policy import MembershipPolicy

        register_policy(MembershipPolicy())
        collect_permissions()
        register_audited(models.Unit, unit_path="path")
        register_audited(models.Membership)
        register_audited(
            models.User,
            unit_path=lambda user: user.active_membership.unit.path if user.active_membership_id else "",
            exclude=["password", "last_login", "totp_secret"],
        )
        self._register_shell()

    def _register_shell(self) -> None:
        """Navigation entries, home-page widgets, and units as owners of attachments."""
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from xiaoan.core.attachments import register_owner
        from xiaoan.core.registry import NavItem, register_nav, register_widget

        from .models import Unit
        from .widgets import WIDGETS

        register_nav(
            NavItem(
                "orgs.units",
                pgettext_lazy("page title", "单位"),
                "orgs:unit_list",
                icon="building",
                permission="orgs.unit.view",
                order=10,
                group="admin",
            )
        )
        register_nav(
            NavItem(
                "orgs.people",
                _("人员"),
                "orgs:people_list",
                icon="users",
                permission="orgs.user.view",
                order=11,
                group="admin",
            )
        )
        for widget in WIDGETS:
            register_widget(widget)
        register_owner(Unit)

        from .imports import register_specs

        register_specs()
