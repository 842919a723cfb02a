from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TabularConfig(AppConfig):
    name = "xiaoan.core.tabular"
    label = "tabular"
    verbose_name = _("导入导出")

    def ready(self) -> None:
        from xiaoan.core.notifications.registry import register_event
        from xiaoan.core.registry import NavItem, register_nav

        register_event(
            "tabular.import_succeeded",
            _("导入完成：{{ job.original_name }}"),
            _(
                "您上传的“{{ job.original_name }}”已导入：新增 {{ job.created_count }} 行，"
                "更新 {{ job.updated_count }} 行，未变 {{ job.unchanged_count }} 行。"
            ),
        )
        register_event(
            "tabular.import_failed",
            _("导入未通过：{{ job.original_name }}"),
            _(
                "您上传的“{{ job.original_name }}”未导入，没有写入任何数据。{{ job.message }}"
                "请打开导入记录下载错误说明，修改后重新上传。"
            ),
        )

        register_nav(
            NavItem(
                "imports",
                _("数据导入"),
                "tabular:job_list",
                icon="upload",
                permission="tabular.importjob.view",
                order=900,
                group="admin",
            )
        )
