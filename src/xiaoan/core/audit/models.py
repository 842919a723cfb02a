"""Security events (sign-ins, denials, sensitive reads): append-only for the application."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import ScopedModel


class AppendOnlyError(RuntimeError):
    """Audit rows are never changed or deleted by the application (only the retention job purges them)."""


class AuditKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKOUT = "lockout", _("登录锁定")
    PERMISSION_DENIED = "permission_denied", _("越权操作被拒绝")
    SENSITIVE_READ = "sensitive_read", _("查看敏感个人信息")
    EXPORT = "export", _("导出")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    TOTP_ENABLED = "totp_enabled", _("启用动态口令")
    TOTP_DISABLED = "totp_disabled", _("停用动态口令")
    ACCOUNT_MANAGED = "account_managed", _("账号管理")


class AuditEvent(ScopedModel):
    """One security event: who, when, from where, at which unit, about what."""

    # The actor's active unit at the time; the object's own unit is kept beside it (``object_path``).
    scope_path_lookup = "unit_path"

    kind = models.CharField(_("类型"), max_length=20, choices=AuditKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=200, blank=True)
    unit_path = models.CharField(_("单位路径"), max_length=255, blank=True, default="")
    object_path = models.CharField(_("对象单位路径"), max_length=255, blank=True, default="")
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("安全审计事件")
        verbose_name_plural = _("安全审计事件")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["unit_path", "created_at"], name="audit_event_unit_time"),
            models.Index(fields=["kind", "created_at"], name="audit_event_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username or self.actor_id or '-'} · {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("AuditEvent rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("AuditEvent rows are append-only; the retention job purges old rows")
