"""Units of the tree, users and their memberships."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xiaoan.core.scoping import ScopedModel, ScopedQuerySet

from .roles import Role, Stage, UnitKind

PATH_SEGMENT_WIDTH = 8
BUREAU_CODE_RE = re.compile(r"^\d{6}([A-Z0-9]{1,4})?$")
SCHOOL_CODE_RE = re.compile(r"^\d{10}$")


def validate_unit_code(kind: str, code: str) -> None:
    if kind == UnitKind.SCHOOL:
        if not SCHOOL_CODE_RE.match(code or ""):
            raise ValidationError(
                {"code": _("学校标识码应为10位数字。 The school identifier must be 10 digits.")}, code="bad_code"
            )
    elif not BUREAU_CODE_RE.match(code or ""):
        raise ValidationError(
            {
                "code": _(
                    "行政部门代码应为6位GB/T 2260行政区划代码，无区划代码的单位可加1–4位大写字母或数字后缀。"
                    " A bureau code is a 6-digit GB/T 2260 region code, optionally followed by a 1–4 character"
                    " local suffix."
                )
            },
            code="bad_code",
        )


class UnitQuerySet(ScopedQuerySet["Unit"]):
    def schools(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.SCHOOL)

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


UnitManager = models.Manager.from_queryset(UnitQuerySet)


class Unit(ScopedModel):
    """A node of the tree: the city bureau, a county-level bureau, or a school / kindergarten."""

    scope_path_lookup = "path"

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices)
    code = models.CharField(
        _("代码"), max_length=16, unique=True, help_text=_("行政区划代码（GB/T 2260）或10位学校标识码")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False, blank=True, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    # school attributes
    stage = models.CharField(_("学段"), max_length=16, choices=Stage.choices, blank=True)
    is_boarding = models.BooleanField(_("寄宿制"), default=False)
    pupils = models.PositiveIntegerField(_("在校学生数"), default=0)
    boarders = models.PositiveIntegerField(_("住宿生数"), default=0)
    staff_count = models.PositiveIntegerField(_("教职工数"), default=0)
    runs_buses = models.BooleanField(_("开通校车"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(pgettext_lazy("field: is active", "启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = UnitManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="unit_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="unit_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orgs:unit_detail", args=[self.pk])

    def clean(self) -> None:
        validate_unit_code(self.kind, self.code)
        if self.kind == UnitKind.SCHOOL:
            if not self.stage:
                raise ValidationError({"stage": _("学校必须填写学段。 A school needs a stage.")})
            if self.parent_id is None:
                raise ValidationError({"parent": _("学校必须有上级单位。 A school needs a parent unit.")})
        if self.parent is not None and self.parent.kind == UnitKind.SCHOOL:
            raise ValidationError({"parent": _("学校下不能再设单位。 A school cannot have units below it.")})
        if self.kind == UnitKind.CITY_BUREAU and self.parent_id is not None:
            raise ValidationError({"parent": _("市级单位不能有上级。 The city bureau is the root.")})
        if self.kind == UnitKind.COUNTY_BUREAU and (self.parent is None or self.parent.kind != UnitKind.CITY_BUREAU):
            raise ValidationError({"parent": _("县级单位的上级必须是市级单位。 A county bureau sits under the city.")})
        if self.boarders > self.pupils:
            raise ValidationError({"boarders": _("住宿生数不能超过在校学生数。 Boarders cannot exceed pupils.")})

    @property
    def is_school(self) -> bool:
        return self.kind == UnitKind.SCHOOL

    def segment(self) -> str:
        return f"{self.pk:0{PATH_SEGMENT_WIDTH}d}/"

    def compute_path(self) -> str:
        return (self.parent.path if self.parent else "") + self.segment()

    def ancestors(self) -> models.QuerySet[Unit]:
        """The chain from the root down to this unit (for breadcrumbs); not a scoped read."""
        width = PATH_SEGMENT_WIDTH + 1
        ids = [int(self.path[i : i + PATH_SEGMENT_WIDTH]) for i in range(0, len(self.path), width)]
        return Unit.objects.system("breadcrumb of an in-scope unit").filter(pk__in=ids).order_by("depth")


class XiaoanUserManager(UserManager["User"]):
    def for_user(self, user, action: str = "view"):
        """People with at least one membership in the user's part of the tree."""
        member_ids = Membership.objects.for_user(user, "orgs.user." + action).values("user_id")
        return self.filter(pk__in=member_ids)


class User(AbstractUser):
    """A staff account. Parents and pupils never have one."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    active_membership = models.ForeignKey(
        "Membership", verbose_name=_("当前身份"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_confirmed = models.BooleanField(_("已启用动态口令"), default=False)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True, editable=False)

    objects = XiaoanUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # every path that sets a password (services, imports, commands) saves it with its timestamp
        if self._state.adding and self.password_changed_at is None:  # create_user() hashes without set_password()
            self.password_changed_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "password" in update_fields:
            kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    def of_owner(self, user) -> MembershipQuerySet:
        """A user's own memberships (for the identity switcher): scoped by ownership."""
        own = self.system("a user's own memberships").filter(user=user, is_active=True, unit__is_active=True)
        return own  # type: ignore[return-value]


MembershipManager = models.Manager.from_queryset(MembershipQuerySet)


class Membership(ScopedModel):
    """A user holds a role at a unit."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = MembershipManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]
        ordering = ["unit__path", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class UserSession(models.Model):
    """A session key a user signed in with (to end the sessions of a deactivated account)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}"
