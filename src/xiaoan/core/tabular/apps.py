from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TabularConfig(AppConfig):
    name = "xiaoan.core.tabular"
    label = "tabular"
    verbose_name = _("导入导出")

    def ready(self) -> None:
        from xiaoan.core.registry import NavItem, register_nav

        register_nav(
            NavItem(
                "imports",
                _("数据导入"),
                "tabular:job_list",
                icon="upload",
                permission="tabular.importjob.view",
                order=900,
            )
        )
