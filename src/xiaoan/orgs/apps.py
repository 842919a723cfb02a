from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "xiaoan.orgs"
    label = "orgs"
    verbose_name = "组织机构 Organisations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiaoan.core.scoping import register_policy

        from . import models, sessions  # noqa: F401 - registers the sign-in receiver
        from .permissions import collect_permissions
        from .policy import MembershipPolicy

        register_policy(MembershipPolicy())
        collect_permissions()
        auditlog.register(models.Unit)
        auditlog.register(models.Membership)
        auditlog.register(models.User, exclude_fields=["password", "last_login", "totp_secret"])
