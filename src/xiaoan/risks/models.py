"""Risk points of a school (风险点) and their review history (复核记录)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class RiskKind(models.TextChoices):
    PLACE = "place", _("场所")
    ACTIVITY = "activity", _("活动")
    FACILITY = "facility", _("设施设备")


class GradingMethod(models.TextChoices):
    LEC = "lec", _("LEC 法")
    DIRECT = "direct", _("直接定级")


class RiskLevel(models.TextChoices):
    """The four levels, most severe first; ``colour`` is the Tabler colour of the badge."""

    RED = "red", _("重大风险")
    ORANGE = "orange", _("较大风险")
    YELLOW = "yellow", _("一般风险")
    BLUE = "blue", _("低风险")

    @property
    def colour(self) -> str:
        return str(self.value)

    @property
    def colour_label(self) -> str:
        return str(COLOUR_LABELS[self.value])


COLOUR_LABELS = {"red": _("红"), "orange": _("橙"), "yellow": _("黄"), "blue": _("蓝")}
LEVEL_ORDER = [level.value for level in RiskLevel]  # most severe first


class RiskPoint(ScopedModel):
    """A place, activity or facility of a school that carries a graded risk, with its controls and owner."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="risk_points")
    name = models.CharField(_("风险点名称"), max_length=100)
    place = models.CharField(_("所在位置"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=RiskKind.choices, default=RiskKind.PLACE)
    hazard_factors = models.TextField(_("危险因素"))
    consequences = models.TextField(_("可能导致的后果"), blank=True)
    method = models.CharField(_("评价方法"), max_length=8, choices=GradingMethod.choices, default=GradingMethod.LEC)
    likelihood = models.DecimalField(_("可能性 L"), null=True, blank=True, max_digits=6, decimal_places=2)
    exposure = models.DecimalField(_("暴露频率 E"), null=True, blank=True, max_digits=6, decimal_places=2)
    consequence = models.DecimalField(_("后果 C"), null=True, blank=True, max_digits=6, decimal_places=2)
    score = models.DecimalField(_("危险性 D"), null=True, blank=True, max_digits=12, decimal_places=3)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    graded_on = models.DateField(_("定级日期"), help_text=_("按这一天有效的分级规则定级"))
    control_measures = models.TextField(_("管控措施"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible_post = models.CharField(_("责任岗位"), max_length=50, blank=True)
    review_cycle_days = models.PositiveSmallIntegerField(_("复核周期（天）"))
    last_reviewed_on = models.DateField(_("最近复核日期"))
    review_due = models.DateField(_("下次复核期限"), db_index=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["unit", "name"]
        indexes = [models.Index(fields=["unit", "level"], name="risk_unit_level")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="lec")
                | models.Q(likelihood__isnull=False, exposure__isnull=False, consequence__isnull=False),
                name="risk_lec_has_factors",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:detail", args=[self.pk])

    def colour_label(self) -> str:
        return str(COLOUR_LABELS.get(self.level, ""))

    def review_overdue(self, today: dt.date | None = None) -> bool:
        return self.review_due < (today or timezone.localdate())

    def danger_class(self) -> str:
        """The LEC danger class of the score (极其危险 … 稍有危险), or "" for direct grading."""
        from .grading import danger_class

        return str(danger_class(self.score, on=self.graded_on)) if self.score is not None else ""


class RiskReview(ScopedModel):
    """One review of a risk point: who, when, notes, and the grading it left (before and after)."""

    scope_path_lookup = "risk_point__unit__path"

    risk_point = models.ForeignKey(
        RiskPoint, verbose_name=_("风险点"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("复核日期"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复核人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("复核意见"), blank=True)
    method = models.CharField(_("评价方法"), max_length=8, choices=GradingMethod.choices)
    likelihood = models.DecimalField(_("可能性 L"), null=True, blank=True, max_digits=6, decimal_places=2)
    exposure = models.DecimalField(_("暴露频率 E"), null=True, blank=True, max_digits=6, decimal_places=2)
    consequence = models.DecimalField(_("后果 C"), null=True, blank=True, max_digits=6, decimal_places=2)
    score = models.DecimalField(_("危险性 D"), null=True, blank=True, max_digits=12, decimal_places=3)
    previous_level = models.CharField(_("原风险等级"), max_length=8, choices=RiskLevel.choices)
    level = models.CharField(_("复核后风险等级"), max_length=8, choices=RiskLevel.choices)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险点复核记录")
        verbose_name_plural = _("风险点复核记录")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk_point} · {self.reviewed_on:%Y-%m-%d}"
