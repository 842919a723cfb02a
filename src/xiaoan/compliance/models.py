"""Computed compliance: one row per (school, obligation, period), refreshed by the engine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class Status(models.TextChoices):
    NOT_DUE = "not_due", _("未到期")
    SCHEDULED = "scheduled", _("已安排")
    MET = "met", _("已完成")
    DUE_SOON = "due_soon", _("即将到期")
    MISSED = "missed", _("未完成")


STATUS_COLOURS: dict[str, str] = {
    Status.NOT_DUE: "secondary",
    Status.SCHEDULED: "azure",
    Status.MET: "green",
    Status.DUE_SOON: "orange",
    Status.MISSED: "red",
}


class ComplianceStatus(ScopedModel):
    """How a school stands on one obligation in one period (with the records that prove it)."""

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="compliance_statuses"
    )
    obligation = models.CharField(_("义务"), max_length=100)
    period_key = models.CharField(_("时段"), max_length=20)
    period_start = models.DateField(_("开始日期"))
    period_end = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    count = models.PositiveIntegerField(_("完成次数"), default=0)
    required = models.PositiveIntegerField(_("应完成次数"), default=1)
    evidence = models.JSONField(_("佐证记录"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("合规状态")
        verbose_name_plural = _("合规状态")
        constraints = [
            models.UniqueConstraint(fields=["unit", "obligation", "period_key"], name="compliance_status_once")
        ]
        indexes = [models.Index(fields=["obligation", "period_key", "status"], name="compliance_period_status")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.obligation} · {self.period_key}: {self.status}"

    @property
    def colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")
