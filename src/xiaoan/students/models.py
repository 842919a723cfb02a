"""The roster: classes of a school, pupils, their guardians, and the history of moves between classes and schools."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoan.core.crypto import EncryptedCharField, mask_id_number, mask_mobile, mask_name
from xiaoan.core.scoping import ScopedModel

from .grades import GRADE_CHOICES, MAX_GRADE, MIN_GRADE


class SchoolClass(ScopedModel):
    """A class (班级) of one school in one school year."""

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="school_classes"
    )
    school_year = models.PositiveSmallIntegerField(_("学年"), help_text=_("学年开始的年份，如2026表示2026—2027学年"))
    grade = models.SmallIntegerField(_("年级"), choices=GRADE_CHOICES)
    number = models.PositiveSmallIntegerField(_("班号"), null=True, blank=True)
    name = models.CharField(_("班级名称"), max_length=40)
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("班主任"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="school_classes",
    )
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["unit__path", "-school_year", "grade", "number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "school_year", "name"], name="schoolclass_unique_name"),
            models.CheckConstraint(
                condition=models.Q(grade__gte=MIN_GRADE, grade__lte=MAX_GRADE), name="schoolclass_grade_range"
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active", "grade"], name="schoolclass_unit_active")]

    def __str__(self) -> str:
        return self.name


class PupilStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在读")
    TRANSFERRING = "transferring", _("转出待接收")
    LEFT = "left", _("离校")
    TRANSFERRED_OUT = "transferred_out", _("转出市外")
    GRADUATED = "graduated", _("毕业")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Pupil(ScopedModel):
    """A pupil of a school (a minor: identity number encrypted, name masked outside the school)."""

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="roster_pupils"
    )
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    date_of_birth = models.DateField(_("出生日期"), null=True, blank=True)
    student_number = models.CharField(_("学号"), max_length=30, blank=True, help_text=_("学籍号或校内学号"))
    id_number = EncryptedCharField(_("身份证号"), max_length=18, blank=True)
    id_number_hash = models.CharField(_("身份证号摘要"), max_length=64, null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=PupilStatus.choices, default=PupilStatus.ENROLLED)
    enrolled_on = models.DateField(_("入学日期"), null=True, blank=True)
    left_on = models.DateField(_("离校日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "student_number"],
                condition=~models.Q(student_number=""),
                name="pupil_unique_student_number",
            ),
            models.UniqueConstraint(
                fields=["unit", "id_number_hash"],
                condition=models.Q(id_number_hash__isnull=False),
                name="pupil_unique_id_number",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="pupil_unit_status"),
            models.Index(fields=["id_number_hash"], name="pupil_id_hash"),
            # the roster import matches pupils without numbers by class, name and birth: by name within the school
            models.Index(fields=["unit", "name"], name="pupil_unit_name"),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Guardian(ScopedModel):
    """A guardian of one or more pupils of one school (siblings share the row, matched by mobile number)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="guardians")
    name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedCharField(_("手机号"), max_length=11, blank=True)
    mobile_hash = models.CharField(_("手机号摘要"), max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "mobile_hash"],
                condition=models.Q(mobile_hash__isnull=False),
                name="guardian_unique_mobile",
            )
        ]
        indexes = [models.Index(fields=["mobile_hash"], name="guardian_mobile_hash")]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Relation(models.TextChoices):
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    GRANDFATHER = "grandfather", _("祖父")
    GRANDMOTHER = "grandmother", _("祖母")
    MATERNAL_GRANDFATHER = "maternal_grandfather", _("外祖父")
    MATERNAL_GRANDMOTHER = "maternal_grandmother", _("外祖母")
    OTHER = "other", _("其他监护人")


class Guardianship(ScopedModel):
    """A guardian's tie to a pupil."""

    scope_path_lookup = "pupil__unit__path"

    pupil = models.ForeignKey(Pupil, verbose_name=_("学生"), on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(
        Guardian, verbose_name=_("监护人"), on_delete=models.CASCADE, related_name="guardianships"
    )
    relation = models.CharField(_("关系"), max_length=24, choices=Relation.choices, default=Relation.OTHER)
    is_primary = models.BooleanField(_("第一监护人"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    class Meta:
        verbose_name = _("监护关系")
        verbose_name_plural = _("监护关系")
        ordering = ["pupil", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pupil", "guardian"], name="guardianship_unique_pair")]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.guardian} · {self.get_relation_display()}"


class MoveKind(models.TextChoices):
    ENROLMENT = "enrolment", _("入学")
    CLASS_CHANGE = "class_change", _("调班")
    PROMOTION = "promotion", _("升级")
    TRANSFER = "transfer", _("转学")
    LEFT = "left", _("离校")
    GRADUATED = "graduated", _("毕业")


class PupilMove(ScopedModel):
    """One step of a pupil's history: promotion, change of class, transfer, leaving, graduation."""

    scope_path_lookup = "pupil__unit__path"

    pupil = models.ForeignKey(Pupil, verbose_name=_("学生"), on_delete=models.CASCADE, related_name="moves")
    from_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("原学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("新学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_class = models.ForeignKey(
        SchoolClass, verbose_name=_("原班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_class = models.ForeignKey(
        SchoolClass, verbose_name=_("新班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=MoveKind.choices)
    on = models.DateField(_("日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学籍变动")
        verbose_name_plural = _("学籍变动")
        ordering = ["pupil", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.pupil} · {self.get_kind_display()} · {self.on}"


class TransferState(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    CANCELLED = "cancelled", _("已撤回")


class PupilTransfer(ScopedModel):
    """A transfer between two schools of the city: the sending school asks, the receiving school accepts."""

    scope_path_lookup = "to_unit__path"

    pupil = models.ForeignKey(Pupil, verbose_name=_("学生"), on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("转出学校"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("转入学校"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    state = models.CharField(_("状态"), max_length=12, choices=TransferState.choices, default=TransferState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_on = models.DateField(_("申请日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("转学")
        verbose_name_plural = _("转学")
        ordering = ["-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=models.Q(state="pending"), name="pupiltransfer_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} → {self.to_unit}"
