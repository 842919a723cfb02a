"""Import jobs: one uploaded file on its way through validation to a single all-or-nothing commit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class ImportJob(ScopedModel):
    """An uploaded table to import into a unit, with its progress and outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("未通过")
        CANCELLED = "cancelled", _("已取消")

    scope_path_lookup = "unit__path"

    spec_name = models.CharField(_("导入类型"), max_length=50)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    # the capacity (membership) the uploader acted in; the worker runs the job in the same one
    acting_as = models.PositiveBigIntegerField(_("上传身份"), null=True, blank=True, editable=False)
    # deleted when the job ends (decision 56): a plain copy of what was uploaded, needed only to run the job
    upload = models.FileField(_("上传文件"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=255)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("已检查行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    error_file = models.FileField(_("错误报告"), upload_to="imports/errors/%Y/%m/", blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="imports/results/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "started_at"])]

    def __str__(self) -> str:
        return f"{self.spec_name} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tabular:job_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
