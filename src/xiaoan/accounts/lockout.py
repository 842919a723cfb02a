"""Sign-in lockout: after N failures within the lock period an account name, and separately a client address,
is refused for the lock period — whether or not the account exists, so the refusal reveals nothing.

Counters live in the database so every app process sees the same ones.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LoginThrottle


def _attempts() -> int:
    return int(settings.XIAOAN_LOCKOUT_ATTEMPTS)


def _period() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.XIAOAN_LOCKOUT_SECONDS))


def account_key(username: str) -> str:
    return "user:" + (username or "").strip().lower()[:150]


def address_key(ip: str | None) -> str | None:
    return f"ip:{ip}" if ip else None


def _keys(username: str, ip: str | None) -> list[str]:
    return [key for key in (account_key(username), address_key(ip)) if key]


def is_locked(*, username: str, ip: str | None) -> bool:
    now = timezone.now()
    return LoginThrottle.objects.filter(key__in=_keys(username, ip), locked_until__gt=now).exists()


def _bump(key: str, now: dt.datetime) -> bool:
    """Count one failure for ``key``; True when it has just become locked."""
    with transaction.atomic():
        # get_or_create retries the read when a parallel request created the row first
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
        if row.window_started_at is None or now - row.window_started_at > _period():
            row.failures = 0
            row.window_started_at = now
        row.failures += 1
        locked = row.failures >= _attempts()
        if locked:
            row.locked_until = now + _period()
            row.failures = 0
            row.window_started_at = None
        row.save()
        return locked


def register_failure(*, username: str, ip: str | None) -> bool:
    """Count a failed sign-in against the account name and the address; True when either is now locked."""
    now = timezone.now()
    results = [_bump(key, now) for key in _keys(username, ip)]
    return any(results)


def register_success(*, username: str) -> None:
    """A correct sign-in clears the account's count (not the address's: one good account must not reset it)."""
    LoginThrottle.objects.filter(key=account_key(username)).update(failures=0, window_started_at=None)
