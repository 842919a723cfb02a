"""Writes to one's own account: password, second factor, personal access tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.audit.models import AuditKind
from xiaoan.core.audit.services import record
from xiaoan.core.errors import InvalidInput, OutOfScope
from xiaoan.orgs.models import Membership, User

from . import totp
from .models import AccessToken

TOKEN_PREFIX = "xa_"
TOKEN_RANDOM_CHARS = 40
TOKEN_MAX_DAYS = 365
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


# --- password -----------------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, new_password: str, request: Any = None) -> User:
    """Set a new password (checked against the policy) and lift a forced change."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(AuditKind.PASSWORD_CHANGED, request=request, actor=user)
    return user


# --- second factor ------------------------------------------------------------------------------


@transaction.atomic
def totp_begin(*, user: User) -> str:
    """A secret for the authenticator app; kept (encrypted) until confirmed so a reload shows the same QR code."""
    if user.totp_confirmed:
        raise InvalidInput(_("动态口令已启用。 TOTP is already enabled."))
    if user.totp_secret:
        return totp.unseal(user, user.totp_secret)
    secret = totp.new_secret()
    user.totp_secret = totp.seal(user, secret)
    user.save(update_fields=["totp_secret"])
    return secret


@transaction.atomic
def totp_confirm(*, user: User, code: str, request: Any = None) -> User:
    if user.totp_confirmed:
        raise InvalidInput(_("动态口令已启用。 TOTP is already enabled."))
    if not totp.verify(user, code):
        raise InvalidInput(_("动态口令不正确，请重新输入。 The code is not correct; try again."))
    user.totp_confirmed = True
    user.save(update_fields=["totp_confirmed"])
    record(AuditKind.TOTP_ENABLED, request=request, actor=user)
    return user


@transaction.atomic
def totp_disable(*, user: User, code: str, request: Any = None) -> User:
    """Turn the second factor off with a current code; refused where it is required."""
    if totp.totp_required(user):
        raise InvalidInput(_("教育局的单位管理员必须使用动态口令。 Bureau administrators must use TOTP."))
    if not user.totp_confirmed or not totp.verify(user, code):
        raise InvalidInput(_("动态口令不正确，请重新输入。 The code is not correct; try again."))
    user.totp_secret = ""
    user.totp_confirmed = False
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    record(AuditKind.TOTP_DISABLED, request=request, actor=user)
    return user


# --- personal access tokens ---------------------------------------------------------------------


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _random_part() -> str:
    while True:
        part = secrets.token_urlsafe(30)  # 30 bytes: exactly 40 url-safe characters
        if len(part) == TOKEN_RANDOM_CHARS:
            return part


@transaction.atomic
def token_create(
    *, user: User, membership: Membership, name: str, days: int | None = 90, request: Any = None
) -> tuple[AccessToken, str]:
    """A token acting as one of the user's own memberships; the plaintext is returned once and never stored."""
    own = Membership.objects.of_owner(user).filter(pk=membership.pk).exists()
    if not own:
        raise OutOfScope()
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写令牌名称。 Give the token a name."))
    if days is not None and not 1 <= days <= TOKEN_MAX_DAYS:
        raise InvalidInput(_("有效期须为1至365天。 The lifetime must be 1 to 365 days."))
    plaintext = TOKEN_PREFIX + _random_part()
    token = AccessToken(
        user=user,
        membership=membership,
        name=name[:80],
        token_prefix=plaintext[:8],
        token_hash=_digest(plaintext),
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    token.full_clean()
    token.save()
    record(AuditKind.ACCOUNT_MANAGED, request=request, actor=user, obj=token, detail={"action": "token_created"})
    return token, plaintext


@transaction.atomic
def token_revoke(*, user: User, token: AccessToken, request: Any = None) -> AccessToken:
    if token.user_id != user.pk:
        raise OutOfScope()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(AuditKind.ACCOUNT_MANAGED, request=request, actor=user, obj=token, detail={"action": "token_revoked"})
    return token


def authenticate_token(plaintext: str) -> tuple[User, Membership] | None:
    """The user and membership a bearer token acts as, or None (unknown, revoked, expired, inactive)."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) != len(TOKEN_PREFIX) + 40:
        return None
    token = (
        AccessToken.objects.usable()
        .select_related("user", "membership__unit")
        .filter(token_hash=_digest(plaintext))
        .first()
    )
    if token is None:
        return None
    user, membership = token.user, token.membership
    if not user.is_active or membership.user_id != user.pk:
        return None
    if not membership.is_active or not membership.unit.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user, membership
