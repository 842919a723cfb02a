"""Safety training (安全培训): sessions a unit held or sent staff to, and who attended with which certificate."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class StaffCategory(models.TextChoices):
    BUREAU_MANAGER = "bureau_manager", _("教育行政管理人员")
    SCHOOL_LEADER = "school_leader", _("学校领导")
    SAFETY_MANAGER = "safety_manager", _("安全管理人员")
    NEW_PRINCIPAL = "new_principal", _("新任校长")
    EMERGENCY_TEAM = "emergency_team", _("应急队伍")
    FOOD_SERVICE = "food_service", _("食堂从业人员")
    BUS_STAFF = "bus_staff", _("校车驾驶人和照管员")
    ALL_STAFF = "all_staff", _("全体教职工")


class TrainingSession(ScopedModel):
    """One training course on one date, held by or for a unit."""

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    title = models.CharField(_("课程名称"), max_length=100)
    category = models.CharField(_("培训对象类别"), max_length=20, choices=StaffCategory.choices)
    date = models.DateField(_("培训日期"), db_index=True)
    hours = models.DecimalField(
        _("学时"), max_digits=5, decimal_places=1, default=Decimal(2), validators=[MinValueValidator(Decimal("0.5"))]
    )
    provider = models.CharField(_("培训机构"), max_length=100)
    is_fire_training = models.BooleanField(_("消防安全培训"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The session number users write in an attendee import (场次编号)."""
        return f"PX{self.pk:06d}"


class TrainingRecord(ScopedModel):
    """A person who attended a session: an account in scope, or a named person without one."""

    scope_path_lookup = "session__unit__path"

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训场次"), on_delete=models.CASCADE, related_name="records"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="training_records",
    )  # fmt: skip
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("证件号/工号"), max_length=32, blank=True)
    # one person across sessions: "u:<user id>" or "n:<name>|<id number>" (coverage counts distinct keys)
    person_key = models.CharField(_("人员标识"), max_length=100, editable=False, db_index=True)
    certificate_no = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_expiry = models.DateField(_("证书有效期至"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["session", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person_key"], name="training_record_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.session}"

    def clean(self) -> None:
        if not self.name.strip():
            raise ValidationError({"name": _("请填写姓名。 A name is required.")})
        if self.certificate_expiry and not self.certificate_no:
            raise ValidationError(
                {"certificate_no": _("填写了证书有效期，请同时填写证书编号。 A certificate expiry needs a number.")}
            )

    def save(self, *args, **kwargs) -> None:
        self.person_key = self.key_for(self.user_id, self.name, self.id_number)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(user_id: int | None, name: str, id_number: str) -> str:
        return f"u:{user_id}" if user_id else f"n:{name.strip()}|{id_number.strip().upper()}"

    @property
    def masked_id(self) -> str:
        value = self.id_number
        return value if len(value) <= 4 else "*" * (len(value) - 4) + value[-4:]
