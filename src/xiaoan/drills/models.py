"""Emergency plans (versioned) and drills (planned → held or cancelled), with follow-ups of problems found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class PlanKind(models.TextChoices):
    FIRE = "fire", _("消防")
    EARTHQUAKE = "earthquake", _("地震")
    FLOOD = "flood", _("防汛")
    ANTI_VIOLENCE = "anti_violence", _("反恐防暴")
    STAMPEDE = "stampede", _("防踩踏")
    FOOD_POISONING = "food_poisoning", _("食物中毒")
    PUBLIC_HEALTH = "public_health", _("公共卫生")
    SCHOOL_BUS = "school_bus", _("校车")
    OTHER = "other", _("其他")


class DrillKind(models.TextChoices):
    FIRE = "fire", _("消防疏散")
    EARTHQUAKE = "earthquake", _("地震避险")
    ANTI_VIOLENCE = "anti_violence", _("反恐防暴")
    STAMPEDE = "stampede", _("防踩踏")
    BUS = "bus", _("校车疏散")
    OTHER = "other", _("其他")


class EmergencyPlan(ScopedModel):
    """A school's emergency plan of one kind; its text lives in numbered versions."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("预案类别"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("预案名称"), max_length=100)
    current_version = models.ForeignKey(
        "PlanVersion", verbose_name=_("现行版本"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_reminded_on = models.DateField(_("复核提醒日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["unit__path", "kind", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("drills:plan_detail", args=[self.pk])


class PlanVersion(ScopedModel):
    """One revision of a plan: its document (an attachment), the approval record and the revision date."""

    scope_path_lookup = "plan__unit__path"

    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("预案"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    revised_on = models.DateField(_("修订日期"))
    approved_by = models.CharField(_("审批人"), max_length=50)
    approved_on = models.DateField(_("审批日期"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_once")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("drills:plan_detail", args=[self.plan_id])


class Drill(ScopedModel):
    """An emergency drill: planned, then recorded as held (or cancelled)."""

    class State(models.TextChoices):
        PLANNED = "planned", _("已计划")
        HELD = "held", _("已举行")
        CANCELLED = "cancelled", _("已取消")

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("演练类别"), max_length=20, choices=DrillKind.choices)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PLANNED)
    planned_on = models.DateField(_("计划日期"))
    scope = models.CharField(_("参演范围"), max_length=100, help_text=_("如：全校、一至三年级、教学楼A"))
    scenario = models.TextField(_("演练情景"), blank=True)
    held_at = models.DateTimeField(_("举行时间"), null=True, blank=True)
    held_on = models.DateField(_("举行日期"), null=True, blank=True, editable=False)
    participants = models.PositiveIntegerField(_("参演人数"), null=True, blank=True)
    evacuation_seconds = models.PositiveIntegerField(_("疏散用时（秒）"), null=True, blank=True)
    target_seconds = models.PositiveIntegerField(_("疏散目标（秒）"), null=True, blank=True)
    problems = models.TextField(_("发现的问题"), blank=True, help_text=_("每行一个问题"))
    summary = models.TextField(_("总结"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计划人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-planned_on", "-pk"]
        indexes = [
            models.Index(fields=["state", "held_on"], name="drill_state_held_on"),
            models.Index(fields=["state", "planned_on"], name="drill_state_planned_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("drills:drill_detail", args=[self.pk])

    @property
    def met_target(self) -> bool | None:
        if self.evacuation_seconds is None or self.target_seconds is None:
            return None
        return self.evacuation_seconds <= self.target_seconds


class DrillFollowUp(ScopedModel):
    """A problem found in a drill, to be fixed by an owner before a due date (or handed on as a hazard)."""

    scope_path_lookup = "drill__unit__path"

    drill = models.ForeignKey(Drill, verbose_name=_("演练"), on_delete=models.CASCADE, related_name="follow_ups")
    problem = models.CharField(_("问题"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    hazard_id = models.PositiveBigIntegerField(_("转为隐患编号"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演练问题整改")
        verbose_name_plural = _("演练问题整改")
        ordering = ["drill", "pk"]

    def __str__(self) -> str:
        return self.problem
