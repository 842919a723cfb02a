"""Letters to parents, the receipts (回执) they owe, personal receipt links, and home–school activities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class LetterState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHING = "publishing", _("发布中")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


class Letter(ScopedModel):
    """致家长的一封信: written by a bureau or a school, owed a receipt by every pupil of its audience."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("发文单位"), on_delete=models.PROTECT, related_name="letters")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(
        _("正文"), help_text=_("空行分段；“- ”开头为列表，“1. ”开头为编号列表；**文字** 为加粗。不支持 HTML。")
    )
    items = models.JSONField(_("确认事项"), default=list, blank=True, help_text=_("家长逐项勾选的简短事项"))
    deadline = models.DateField(_("回执截止日期"))
    template_key = models.CharField(_("模板"), max_length=40, blank=True)
    audience = models.JSONField(_("发送范围"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=LetterState.choices, default=LetterState.DRAFT)
    body_html = models.TextField(_("正文（网页）"), blank=True, editable=False)
    publish_step = models.PositiveSmallIntegerField(_("发布进度"), default=0, editable=False)
    publish_error = models.CharField(_("发布失败原因"), max_length=300, blank=True, editable=False)
    receipts_count = models.PositiveIntegerField(_("应回执学生数"), default=0, editable=False)
    links_count = models.PositiveIntegerField(_("回执链接数"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("致家长的一封信")
        verbose_name_plural = _("致家长的一封信")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "state"], name="letter_unit_state")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("families:letter_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == LetterState.PUBLISHED


class ReceiptState(models.TextChoices):
    PENDING = "pending", _("未回执")
    CONFIRMED = "confirmed", _("已回执")


class Channel(models.TextChoices):
    LINK = "link", _("家长网上确认")
    PAPER = "paper", _("纸质回执")
    PARENT_MEETING = "parent_meeting", _("家长会")
    HOME_VISIT = "home_visit", _("家访")
    PHONE_CALL = "phone_call", _("电话")
    OTHER = "other", _("其他")


class Receipt(ScopedModel):
    """The receipt one pupil's family owes for one letter; the first confirmation wins."""

    # letter and unit: no index of their own — the unique (letter, pupil) and (unit, letter) lead with them, and a
    # confirmation changes the state, so every index of this table takes an entry on every confirmation
    letter = models.ForeignKey(
        Letter, verbose_name=_("信件"), on_delete=models.CASCADE, related_name="receipts", db_index=False
    )
    pupil = models.ForeignKey("students.Pupil", verbose_name=_("学生"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        "students.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=ReceiptState.choices, default=ReceiptState.PENDING)
    channel = models.CharField(_("回执方式"), max_length=16, choices=Channel.choices, blank=True)
    confirmed_at = models.DateTimeField(_("回执时间"), null=True, blank=True)
    confirmed_by_guardian = models.ForeignKey(
        "students.Guardian",
        verbose_name=_("确认家长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    items_ticked = models.JSONField(_("已勾选事项"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    later_confirmations = models.PositiveIntegerField(_("重复确认次数"), default=0)

    class Meta:
        verbose_name = _("回执")
        verbose_name_plural = _("回执")
        ordering = ["school_class_id", "pupil_id"]
        constraints = [models.UniqueConstraint(fields=["letter", "pupil"], name="receipt_one_per_pupil")]
        indexes = [
            models.Index(fields=["letter", "school_class", "state"], name="receipt_letter_class_state"),
            models.Index(fields=["unit", "letter"], name="receipt_unit_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}:{self.pupil_id}"


class SmsState(models.TextChoices):
    NONE = "none", _("未发送")
    QUEUED = "queued", _("排队中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    NO_MOBILE = "no_mobile", _("无有效手机号")


class ReceiptLink(ScopedModel):
    """A guardian's personal link to one receipt: only the hash of its token is stored (see ``tokens``)."""

    scope_path_lookup = "receipt__unit__path"

    receipt = models.ForeignKey(Receipt, verbose_name=_("回执"), on_delete=models.CASCADE, related_name="links")
    letter = models.ForeignKey(Letter, verbose_name=_("信件"), on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        "students.Guardian", verbose_name=_("家长"), on_delete=models.CASCADE, related_name="+"
    )
    is_primary = models.BooleanField(_("第一监护人"), default=False)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("失效时间"))
    sms_state = models.CharField(_("短信状态"), max_length=10, choices=SmsState.choices, default=SmsState.NONE)
    sms_attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    sms_next_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sms_error = models.CharField(_("失败原因"), max_length=200, blank=True)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("回执链接")
        verbose_name_plural = _("回执链接")
        constraints = [models.UniqueConstraint(fields=["receipt", "guardian"], name="receiptlink_one_per_guardian")]
        indexes = [models.Index(fields=["letter", "sms_state", "id"], name="receiptlink_letter_sms")]

    def __str__(self) -> str:
        return f"{self.receipt_id}:{self.guardian_id}"


class ReceiptTally(ScopedModel):
    """Owed and confirmed receipts of one class for one letter, kept in the confirmation's transaction."""

    # letter and unit: covered by the unique (letter, school_class) and by (unit, letter); see Receipt
    letter = models.ForeignKey(
        Letter, verbose_name=_("信件"), on_delete=models.CASCADE, related_name="tallies", db_index=False
    )
    school_class = models.ForeignKey(
        "students.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    owed = models.PositiveIntegerField(_("应回执"), default=0)
    confirmed = models.PositiveIntegerField(_("已回执"), default=0)

    class Meta:
        verbose_name = _("回执统计")
        verbose_name_plural = _("回执统计")
        constraints = [models.UniqueConstraint(fields=["letter", "school_class"], name="receipttally_one_per_class")]
        indexes = [models.Index(fields=["unit", "letter"], name="receipttally_unit_letter")]

    def __str__(self) -> str:
        return f"{self.letter_id}:{self.school_class_id} {self.confirmed}/{self.owed}"


class ActivityKind(models.TextChoices):
    PARENT_MEETING = "parent_meeting", _("家长会")
    HOME_VISIT = "home_visit", _("家访")
    OPEN_DAY = "open_day", _("家长开放日")
    OTHER = "other", _("其他家校活动")


class HomeSchoolActivity(ScopedModel):
    """A parent meeting, home visits or an open day held by a class (家校活动)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "students.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("活动类型"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=120)
    guardians_reached = models.PositiveIntegerField(_("参与家长数"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("家校活动")
        verbose_name_plural = _("家校活动")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["unit", "held_on"], name="activity_unit_held_on")]

    def __str__(self) -> str:
        return f"{self.school_class} · {self.get_kind_display()} · {self.held_on}"
