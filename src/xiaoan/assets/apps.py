from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "xiaoan.assets"
    label = "assets"
    verbose_name = _("安全设施设备")

    def ready(self) -> None:
        from xiaoan.core.audit.services import register_audited
        from xiaoan.core.registry import DemoSeeder, NavItem, register_demo_seeder, register_nav, register_widget

        from .demo import seed_assets
        from .models import AssetCheck, SafetyAsset
        from .widgets import WIDGETS

        register_audited(SafetyAsset, unit_path="unit__path")
        register_audited(AssetCheck, unit_path="asset__unit__path")
        register_nav(
            NavItem(
                "assets", _("安全设施"), "assets:list", icon="fire-extinguisher", permission="assets.safetyasset.view",
                order=25,
                group="prevention",
            )
        )  # fmt: skip
        for widget in WIDGETS:
            register_widget(widget)
        register_demo_seeder(DemoSeeder("assets", seed_assets, order=25))
