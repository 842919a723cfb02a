"""Safety-education activities (安全教育活动): what a school taught, to whom, in what form."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class Topic(models.TextChoices):
    DROWNING = "drowning", _("防溺水")
    FIRE = "fire", _("消防安全")
    UNLAWFUL_HARM = "unlawful_harm", _("防不法侵害")
    FOOD_POISONING = "food_poisoning", _("食品安全与防食物中毒")
    INTERNET_ADDICTION = "internet_addiction", _("防网络沉迷")
    BULLYING = "bullying", _("防欺凌")
    TRAFFIC = "traffic", _("交通安全")
    NATURAL_DISASTER = "natural_disaster", _("防灾减灾")
    NATIONAL_SECURITY = "national_security", _("国家安全")
    PUBLIC_HEALTH = "public_health", _("公共卫生与防疫")
    MENTAL_HEALTH = "mental_health", _("心理健康")
    SEXUAL_ABUSE = "sexual_abuse", _("防性侵")
    ANTI_FRAUD = "anti_fraud", _("防诈骗")
    OTHER = "other", _("其他")


SEED_TOPICS = (
    Topic.DROWNING,
    Topic.FIRE,
    Topic.UNLAWFUL_HARM,
    Topic.FOOD_POISONING,
    Topic.INTERNET_ADDICTION,
    Topic.BULLYING,
    Topic.TRAFFIC,
    Topic.NATURAL_DISASTER,
)


class Form(models.TextChoices):
    LESSON = "lesson", _("安全教育课")
    ASSEMBLY = "assembly", _("主题班会/集会")
    TALK = "talk", _("专题讲座")
    FIRE_BASE_VISIT = "fire_base_visit", _("参观消防教育基地")
    VIDEO = "video", _("观看视频")
    DRILL = "drill", _("演练")
    OTHER = "other", _("其他")


class EducationActivity(ScopedModel):
    """One education activity held by a school (for the whole school, a grade or some classes)."""

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="education_activities"
    )
    title = models.CharField(_("活动名称"), max_length=100)
    date = models.DateField(_("日期"), db_index=True)
    form = models.CharField(_("形式"), max_length=20, choices=Form.choices)
    # free text until the students module's grades and classes exist; then these link to real classes
    grade = models.CharField(_("年级"), max_length=40, blank=True, help_text=_("如：三年级；全校活动可留空"))
    classes_text = models.CharField(_("班级"), max_length=200, blank=True, help_text=_("如：三(1)班、三(2)班"))
    classes_reached = models.PositiveIntegerField(_("覆盖班级数"), default=0)
    headcount = models.PositiveIntegerField(_("参加人数"), default=0)
    organiser = models.CharField(_("组织人"), max_length=50)
    summary = models.TextField(_("活动小结"), blank=True)
    materials = models.TextField(_("教材与资料"), blank=True, help_text=_("课件、视频或资料的名称；文件可作为附件上传"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("安全教育活动")
        verbose_name_plural = _("安全教育活动")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"], name="education_activity_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("education:activity_detail", args=[self.pk])

    def clean(self) -> None:
        from xiaoan.orgs.roles import UnitKind

        if self.unit_id and self.unit.kind != UnitKind.SCHOOL:
            raise ValidationError({"unit": _("安全教育活动须登记在学校名下。 Activities belong to a school.")})

    def topic_values(self) -> list[str]:
        return [item.topic for item in self.topics.all()]

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(value, value)) for value in self.topic_values()]


class ActivityTopic(ScopedModel):
    """A topic an activity covered (one row per topic, so coverage is a plain aggregate)."""

    scope_path_lookup = "activity__unit__path"

    activity = models.ForeignKey(
        EducationActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="topics"
    )
    topic = models.CharField(_("主题"), max_length=30, choices=Topic.choices)

    class Meta:
        verbose_name = _("活动主题")
        verbose_name_plural = _("活动主题")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "topic"], name="education_topic_once")]

    def __str__(self) -> str:
        return self.get_topic_display()


class ThemeDayNotice(models.Model):
    """That schools were reminded of a theme day's occurrence (makes the daily reminder job idempotent)."""

    key = models.CharField(_("主题日"), max_length=40)
    start = models.DateField(_("日期"))
    recipients = models.PositiveIntegerField(_("提醒人数"), default=0)
    sent_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("主题日提醒")
        verbose_name_plural = _("主题日提醒")
        constraints = [models.UniqueConstraint(fields=["key", "start"], name="education_theme_day_notice_once")]

    def __str__(self) -> str:
        return f"{self.key} {self.start}"
