"""Safety assets of a school (安全设施设备) and their check history (检查记录)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class AssetKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", _("灭火器")
    HYDRANT = "hydrant", _("消火栓")
    EMERGENCY_LIGHT = "emergency_light", _("应急照明")
    EXIT_SIGN = "exit_sign", _("疏散指示标志")
    FIRE_ALARM = "fire_alarm", _("火灾报警器")
    FIRST_AID_KIT = "first_aid_kit", _("急救箱")
    AED = "aed", _("AED（自动体外除颤器）")
    RESCUE = "rescue", _("救生设备（救生圈、救生杆等）")
    CAMERA = "camera", _("监控摄像头")
    ALARM_BUTTON = "alarm_button", _("一键报警装置")
    OTHER = "other", _("其他")


class AssetStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("在用")
    FAULTY = "faulty", _("故障")
    RETIRED = "retired", _("报废")


class DueState(models.TextChoices):
    """Why an asset needs attention, the most urgent first."""

    FAULTY = "faulty", _("故障")
    EXPIRED = "expired", _("已过有效期")
    CHECK_OVERDUE = "check_overdue", _("检查逾期")
    EXPIRING = "expiring", _("即将过期")
    CHECK_SOON = "check_soon", _("即将到检查期")


class SafetyAsset(ScopedModel):
    """Fire extinguishers, hydrants, AEDs… of one kind at one location of a school, with check cycle and expiry."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=AssetKind.choices)
    name = models.CharField(_("名称/型号"), max_length=100, blank=True)
    location = models.CharField(_("位置"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    serial = models.CharField(_("编号"), max_length=60, blank=True)
    installed_on = models.DateField(_("安装/生产日期"), null=True, blank=True)
    check_cycle_days = models.PositiveSmallIntegerField(_("检查周期（天）"))
    last_checked_on = models.DateField(_("最近检查日期"), null=True, blank=True)
    next_check_due = models.DateField(_("下次检查期限"), db_index=True, editable=False)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=AssetStatus.choices, default=AssetStatus.IN_SERVICE)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("安全设施设备")
        verbose_name_plural = _("安全设施设备")
        ordering = ["unit", "kind", "location"]
        indexes = [models.Index(fields=["unit", "status"], name="asset_unit_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.location}"

    def get_absolute_url(self) -> str:
        return reverse("assets:detail", args=[self.pk])

    def schedule_check(self, today: dt.date) -> None:
        """The next check falls one cycle after the last check (or installation, or ``today`` for a new record)."""
        start = self.last_checked_on or self.installed_on or today
        self.next_check_due = start + dt.timedelta(days=self.check_cycle_days)

    def due_state(self, today: dt.date | None = None, soon_days: int | None = None) -> str:
        """The most urgent reason the asset is due (a ``DueState`` value), or "" when it is not."""
        from xiaoan.core.rules.services import get_rule

        today = today or timezone.localdate()
        if self.status == AssetStatus.RETIRED:
            return ""
        if self.status == AssetStatus.FAULTY:
            return DueState.FAULTY
        soon = today + dt.timedelta(days=get_rule("assets.due_soon_days", on=today) if soon_days is None else soon_days)
        if self.expires_on is not None and self.expires_on < today:
            return DueState.EXPIRED
        if self.next_check_due < today:
            return DueState.CHECK_OVERDUE
        if self.expires_on is not None and self.expires_on <= soon:
            return DueState.EXPIRING
        if self.next_check_due <= soon:
            return DueState.CHECK_SOON
        return ""

    def is_due(self, today: dt.date | None = None) -> bool:
        return bool(self.due_state(today))

    def due_label(self) -> str:
        state = self.due_state()
        return str(DueState(state).label) if state else ""


class AssetCheck(ScopedModel):
    """One check of an asset: when, by whom, passed or not, and a note."""

    scope_path_lookup = "asset__unit__path"

    asset = models.ForeignKey(SafetyAsset, verbose_name=_("设施设备"), on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("检查日期"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ok = models.BooleanField(_("检查合格"))
    note = models.CharField(_("检查情况"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("设施检查记录")
        verbose_name_plural = _("设施检查记录")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.asset} · {self.checked_on:%Y-%m-%d}"
