"""Checklist templates (versioned), inspection plans, inspections with their answers, and campaigns."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoan.core.scoping import ScopedModel, ScopedQuerySet, get_policy
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH
from xiaoan.orgs.roles import Role


class HazardCategory(models.TextChoices):
    """The categories of the hazard register; a failed item becomes a hazard of one of them."""

    FIRE = "fire", _("消防安全")
    BUILDING = "building", _("校舍建筑")
    ELECTRICITY = "electricity", _("用电安全")
    GAS = "gas", _("燃气安全")
    FOOD = "food", _("食品安全")
    TRAFFIC = "traffic", _("交通和校车")
    WATER = "water", _("防溺水")
    LABORATORY = "laboratory", _("实验室和危险化学品")
    SPORTS = "sports", _("体育设施")
    SURROUNDINGS = "surroundings", _("周边环境")
    SECURITY = "security", _("安保")
    OTHER = "other", _("其他")


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("合格/不合格/不适用")
    NUMBER = "number", _("数值")
    TEXT = "text", _("文字")
    PHOTO = "photo", _("照片")


class Result(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")
    NOT_APPLICABLE = "na", _("不适用")


class Frequency(models.TextChoices):
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    SEMESTER = "semester", _("每学期")


class Topic(models.TextChoices):
    TRAFFIC = "traffic", _("道路交通和校车")
    MANHOLES = "manholes", _("窨井盖")
    CHEMICALS = "chemicals", _("危险化学品")
    ORGANISED_CRIME = "organised_crime", _("扫黑除恶")
    FIRE = "fire", _("消防安全")
    FOOD = "food", _("食品安全")
    DROWNING = "drowning", _("防溺水")
    BUILDINGS = "buildings", _("校舍安全")
    OTHER = "other", _("其他")


def ancestor_paths(path: str) -> list[str]:
    """``a/b/c/`` → ``["a/", "a/b/", "a/b/c/"]``: the units a path lies under, itself included."""
    width = PATH_SEGMENT_WIDTH + 1
    return [path[: end + width] for end in range(0, len(path), width)]


class DownwardQuerySet(ScopedQuerySet[Any]):
    """Records published downward: a user sees those owned in the own subtree, by a unit above, or by
    nobody (system records). Writes still need the owner inside the user's subtree (``ensure_in_scope``)."""

    def for_user(self, user: Any, action: str = "view") -> DownwardQuerySet:
        from xiaoan.core.scoping import permission_name

        policy = get_policy()
        prefix = policy.path_prefix(user)
        if prefix is None or not policy.allows(user, permission_name(self.model, action)):
            qs = self.none()
        else:
            lookup = self.model.owner_path_lookup  # type: ignore[attr-defined]
            visible = models.Q(**{f"{lookup}__startswith": prefix}) | models.Q(
                **{f"{lookup}__in": ancestor_paths(prefix)}
            )
            if self.model.system_owned_visible:  # type: ignore[attr-defined]
                visible |= models.Q(owner__isnull=True)
            qs = self.filter(visible)
        qs._xa_scoped = True
        return qs


DownwardManager = models.Manager.from_queryset(DownwardQuerySet)


class ChecklistTemplate(ScopedModel):
    """检查表模板: published by a bureau downward, kept by a school for itself, or shipped by the system."""

    scope_path_lookup = "owner__path"
    owner_path_lookup = "owner__path"
    system_owned_visible = True

    owner = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("发布单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空：系统内置模板，所有单位可用"),
    )
    code = models.SlugField(_("模板代码"), max_length=40, blank=True, help_text=_("系统模板的固定代码"))
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    hazard_category = models.CharField(
        _("默认隐患类别"), max_length=20, choices=HazardCategory.choices, default=HazardCategory.OTHER
    )
    checks_assets = models.BooleanField(
        _("检查安全设施器材"), default=False, help_text=_("填写时逐一记录本校消防等安全设施的检查结果")
    )
    stages = models.JSONField(_("适用学段"), default=list, blank=True, help_text=_("空：所有学段"))
    version = models.PositiveIntegerField(_("当前版本"), default=1)
    is_active = models.BooleanField(pgettext_lazy("field: is active", "启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = DownwardManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("检查表模板")
        verbose_name_plural = _("检查表模板")
        ordering = ["owner__path", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="checklist_template_code")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_path(self) -> str:
        return self.owner.path if self.owner is not None else ""

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:template_detail", args=[self.pk])


class TemplateVersion(models.Model):
    """One published state of a template; inspections keep the version they were filled with."""

    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = _("模板版本")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_number")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class Section(models.Model):
    """A group of items (e.g. 消防设施, 疏散通道)."""

    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("名称"), max_length=100)
    hazard_category = models.CharField(_("隐患类别"), max_length=20, choices=HazardCategory.choices, blank=True)

    class Meta:
        verbose_name = _("检查项分组")
        verbose_name_plural = _("检查项分组")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """One thing to check, with its answer type and what counts as failed."""

    section = models.ForeignKey(Section, verbose_name=_("分组"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    text = models.CharField(_("检查内容"), max_length=300)
    answer_type = models.CharField(
        _("回答方式"), max_length=12, choices=AnswerType.choices, default=AnswerType.PASS_FAIL
    )
    minimum = models.DecimalField(_("下限"), max_digits=10, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(_("上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    unit_label = models.CharField(_("单位"), max_length=20, blank=True)
    photo_required_when_failed = models.BooleanField(_("不合格时须拍照"), default=False)
    weight = models.PositiveSmallIntegerField(_("分值"), null=True, blank=True)
    hazard_category = models.CharField(_("隐患类别"), max_length=20, choices=HazardCategory.choices, blank=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class InspectionPlan(ScopedModel):
    """排查计划: a school checks with a template every day / week / month / semester."""

    scope_path_lookup = "school__path"

    school = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="plans"
    )
    frequency = models.CharField(_("频次"), max_length=10, choices=Frequency.choices)
    assignee_role = models.CharField(_("负责岗位"), max_length=20, choices=Role.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_on = models.DateField(_("开始日期"))
    is_active = models.BooleanField(pgettext_lazy("field: is active", "启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排查计划")
        verbose_name_plural = _("排查计划")
        ordering = ["school__path", "frequency", "pk"]

    def __str__(self) -> str:
        return f"{self.template} · {self.get_frequency_display()}"

    @property
    def assigned_to(self) -> str:
        if self.assignee_id:
            return self.assignee.display_name  # type: ignore[union-attr]
        return str(self.get_assignee_role_display())


class Campaign(ScopedModel):
    """专项整治: a bureau asks the schools below it for a self-inspection with one checklist in a window."""

    scope_path_lookup = "owner__path"
    owner_path_lookup = "owner__path"
    system_owned_visible = False

    owner = models.ForeignKey("orgs.Unit", verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=120)
    topic = models.CharField(_("主题"), max_length=20, choices=Topic.choices)
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="campaigns"
    )
    stages = models.JSONField(_("覆盖学段"), default=list, blank=True, help_text=_("空：辖区内所有学校"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    requirements = models.TextField(_("工作要求"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = DownwardManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_window")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:campaign_detail", args=[self.pk])

    def covers(self, school: Any) -> bool:
        return (
            school.is_school
            and school.path.startswith(self.owner.path)
            and (not self.stages or school.stage in self.stages)
        )


class InspectionState(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class Inspection(ScopedModel):
    """One filled checklist: by a plan's period, for a campaign, or on the inspector's own initiative."""

    scope_path_lookup = "school__path"

    school = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        TemplateVersion, verbose_name=_("检查表版本"), on_delete=models.PROTECT, related_name="inspections"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("排查计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项整治"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    period_key = models.CharField(_("周期"), max_length=16, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=InspectionState.choices, default=InspectionState.DRAFT)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    failed_count = models.PositiveIntegerField(_("不合格项数"), default=0)
    note = models.TextField(_("总体说明"), blank=True)
    # {asset id: {"ok": bool, "note": str}}, recorded with the assets service on submit
    asset_results = models.JSONField(_("设施器材检查结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("排查记录")
        verbose_name_plural = _("排查记录")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "period_key", "state"], name="inspection_plan_period"),
            models.Index(fields=["campaign", "state"], name="inspection_campaign_state"),
            models.Index(fields=["school", "-started_at"], name="inspection_school_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "school"],
                condition=models.Q(campaign__isnull=False),
                name="inspection_campaign_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version.template} · {self.school}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == InspectionState.DRAFT


class Answer(ScopedModel):
    """The answer to one item; a failed answer may have become a hazard (its id is kept here)."""

    scope_path_lookup = "inspection__school__path"

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("排查记录"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(Item, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结论"), max_length=4, choices=Result.choices, blank=True)
    number = models.DecimalField(_("数值"), max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("文字"), blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    place = models.CharField(_("位置"), max_length=100, blank=True)
    make_hazard = models.BooleanField(_("生成隐患"), default=True)
    hazard_id = models.PositiveBigIntegerField(_("生成的隐患"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["item__section__order", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_result_display()}"
