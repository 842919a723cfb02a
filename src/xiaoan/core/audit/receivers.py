"""Sign-in, sign-out and failed sign-in, from Django's auth signals."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditKind
from .services import actor_unit_path, record


@receiver(user_logged_in, dispatch_uid="xiaoan.audit.login")
def on_login(sender, request, user, **kwargs):
    record(AuditKind.LOGIN, request=request, actor=user, detail={"stage": "password"})


@receiver(user_logged_out, dispatch_uid="xiaoan.audit.logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "xa_logout_reason", "user") if request is not None else "user"
    record(AuditKind.LOGOUT, request=request, actor=user, detail={"reason": reason})


@receiver(user_login_failed, dispatch_uid="xiaoan.audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    # the unit of an existing account, so its administrators see attacks on it; nothing is shown to the caller
    known = get_user_model()._default_manager.filter(username=username).first() if username else None
    record(AuditKind.LOGIN_FAILED, request=request, username=username, unit_path=actor_unit_path(known))
