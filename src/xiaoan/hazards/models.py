"""Hazards (隐患), their rectification, public report points (随手拍) and listed supervision (挂牌督办)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoan.core.crypto import EncryptedCharField
from xiaoan.core.scoping import ScopedModel


class Category(models.TextChoices):
    FIRE = "fire", _("消防")
    BUILDING = "building", _("校舍建筑")
    ELECTRICITY = "electricity", _("用电")
    GAS = "gas", _("燃气")
    FOOD = "food", _("食品")
    TRAFFIC = "traffic", _("交通与校车")
    WATER = "water", _("防溺水与涉水")
    LABORATORY = "laboratory", _("实验室与危化品")
    SPORTS = "sports", _("体育设施")
    SURROUNDINGS = "surroundings", _("周边环境")
    SECURITY = "security", _("治安防范")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    STAFF = "staff", _("教职工报告")
    ANONYMOUS = "anonymous", _("随手拍")
    INSPECTION = "inspection", _("排查发现")
    CAMPAIGN = "campaign", _("专项整治")


class Grade(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class State(models.TextChoices):
    REPORTED = "reported", _("已登记")
    GRADED = "graded", _("已定级")
    RECTIFYING = "rectifying", _("整改中")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("待验收")
    ACCEPTED = "accepted", _("验收通过")
    CLOSED = "closed", _("已销号")
    REJECTED = "rejected", _("不构成隐患")


OPEN_STATES = (State.REPORTED, State.GRADED, State.RECTIFYING, State.ACCEPTANCE_REQUESTED, State.ACCEPTED)
DONE_STATES = (State.CLOSED, State.REJECTED)


class Hazard(ScopedModel):
    """A hazard found at a unit (a school, or a bureau's own premises), from report to 销号."""

    # the unit's tree path, copied on create: every scoped list filters on it without a join
    scope_path_lookup = "unit_path"

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(_("单位路径"), max_length=255, editable=False)
    number = models.CharField(_("隐患编号"), max_length=20, unique=True, null=True, editable=False)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    place = models.CharField(_("位置"), max_length=100)
    description = models.TextField(_("隐患描述"), max_length=2000)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.STAFF)
    # the record the hazard came from (an inspection answer, a campaign), without a migration dependency
    source_kind = models.CharField(_("来源记录类型"), max_length=40, blank=True)
    source_id = models.PositiveBigIntegerField(_("来源记录"), null=True, blank=True)
    campaign_ref = models.PositiveBigIntegerField(_("专项整治"), null=True, blank=True, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.REPORTED)
    grade = models.CharField(_("等级"), max_length=10, choices=Grade.choices, blank=True)
    graded_at = models.DateTimeField(_("定级时间"), null=True, blank=True)
    # rectification (整改): the 五落实 — for a major hazard every plan field is required
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible_post = models.CharField(_("责任人岗位"), max_length=50, blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    funds = models.DecimalField(_("整改资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    goal = models.TextField(_("治理目标和任务"), blank=True)
    organisation = models.TextField(_("组织机构和人员"), blank=True)
    materials = models.TextField(_("经费和物资落实"), blank=True)
    safety_measures = models.TextField(_("治理期间安全措施"), blank=True)
    contingency_plan = models.TextField(_("应急预案"), blank=True)
    rectification_started_at = models.DateTimeField(_("整改开始时间"), null=True, blank=True)
    acceptance_requested_at = models.DateTimeField(_("申请验收时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    is_supervised = models.BooleanField(_("挂牌督办"), default=False)
    # anonymous reports (随手拍): the reporter's code and, if given, an encrypted phone for feedback
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, null=True, blank=True, editable=False)
    submission_nonce = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    reporter_phone = EncryptedCharField(_("反馈电话"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-reported_at", "-pk"]
        indexes = [
            models.Index(fields=["unit_path", "state"], name="hazard_path_state_idx"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline_idx"),
            models.Index(fields=["is_supervised", "unit_path"], name="hazard_supervised_idx"),
            models.Index(fields=["unit_path", "-reported_at"], name="hazard_path_reported_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:detail", args=[self.pk])

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.state == State.RECTIFYING and self.deadline is not None and self.deadline < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def is_major(self) -> bool:
        return self.grade == Grade.MAJOR


class HazardPhoto(models.Model):
    """Which step a photo was taken at (before, after, a progress report); the file is a core attachment."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")

    attachment = models.OneToOneField("attachments.Attachment", on_delete=models.CASCADE, related_name="+")
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photo_links")
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")

    def __str__(self) -> str:
        return f"{self.hazard_id}:{self.stage}"


class Reminder(models.Model):
    """A deadline reminder already sent (the scan job never sends the same one twice)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hazard", "deadline", "days_before"], name="hazard_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id}:{self.deadline}-{self.days_before}"


class ReportPoint(models.Model):
    """A school's public QR report page (随手拍): an unguessable token, not the unit's id."""

    unit = models.OneToOneField("orgs.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    token = models.CharField(_("二维码令牌"), max_length=43, unique=True, editable=False)
    is_active = models.BooleanField(pgettext_lazy("field: is active", "启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("随手拍二维码")
        verbose_name_plural = _("随手拍二维码")

    def __str__(self) -> str:
        return f"{self.unit_id}"


class Supervision(ScopedModel):
    """挂牌督办: a bureau lists a hazard of a unit below it, with a leader, a deadline and required reports."""

    class Status(models.TextChoices):
        OPEN = "open", _("督办中")
        CLOSED = "closed", _("已销号")

    scope_path_lookup = "hazard__unit_path"

    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.PROTECT, related_name="supervisions")
    supervising_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办领导"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("督办期限"))
    required_reports = models.TextField(_("报告要求"), help_text=_("如：每周五前报送整改进展及照片"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("挂牌人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("挂牌时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"], condition=models.Q(status="open"), name="supervision_one_open_per_hazard"
            )
        ]
        indexes = [models.Index(fields=["status", "supervising_unit"], name="supervision_status_unit_idx")]

    def __str__(self) -> str:
        return f"{self.hazard} · {self.supervising_unit}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:detail", args=[self.hazard_id])

    @property
    def number(self) -> str:
        return f"DB-{timezone.localtime(self.created_at):%Y}-{self.pk:05d}"

    def days_open(self, today: dt.date | None = None) -> int:
        end = timezone.localtime(self.closed_at).date() if self.closed_at else (today or timezone.localdate())
        return (end - timezone.localtime(self.created_at).date()).days


class SupervisionReport(ScopedModel):
    """A progress report of the supervised unit (text and photos)."""

    scope_path_lookup = "supervision__hazard__unit_path"

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="reports")
    text = models.TextField(_("进展情况"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("报告时间"), default=timezone.now)

    class Meta:
        verbose_name = _("督办进展报告")
        verbose_name_plural = _("督办进展报告")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.supervision_id}:{self.created_at:%Y-%m-%d}"
