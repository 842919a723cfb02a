from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "xiaoan.core.rules"
    label = "rules"
    verbose_name = _("规则设置")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from xiaoan.core.registry import NavItem, register_nav

        from .models import RuleValue
        from .registry import collect_rules

        auditlog.register(RuleValue)
        collect_rules()
        register_nav(
            NavItem(
                "rules",
                _("规则设置"),
                "rules:list",
                icon="adjustments",
                permission="rules.rulevalue.view",
                order=950,
                group="admin",
            )
        )
