"""Failed sign-in counters (shared by every app process through the database) and personal access tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginThrottle(models.Model):
    """Failed sign-ins for one account name (``user:…``) or one client address (``ip:…``)."""

    key = models.CharField(_("键"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    window_started_at = models.DateTimeField(_("计数开始"), null=True, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def usable(self) -> AccessTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class AccessToken(models.Model):
    """A personal access token for the API: acts as one of its owner's memberships. Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="access_tokens"
    )
    membership = models.ForeignKey(
        "orgs.Membership", verbose_name=_("身份"), on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("名称"), max_length=80)
    token_prefix = models.CharField(_("令牌前缀"), max_length=8)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()
