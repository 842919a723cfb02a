"""Time-based one-time passwords (RFC 6238) with the secret encrypted at rest.

The secret is sealed with AES-GCM under a key derived (HKDF-SHA256) from ``SECRET_KEY``, bound to the user's
id. Fernet would be the obvious choice, but its tokens (~140 characters) do not fit the 64-character column;
AES-GCM of the 20-byte secret is exactly 64 characters. Rotating ``SECRET_KEY`` keeps working while the old
key is listed in ``SECRET_KEY_FALLBACKS``; dropping it means users must set up TOTP again.
"""

from __future__ import annotations

import base64
import os
from typing import Any

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from xiaoan.orgs.roles import Role, UnitKind

ISSUER = "校安"
BUREAU_KINDS = frozenset({UnitKind.CITY_BUREAU, UnitKind.COUNTY_BUREAU})
SEALED_LENGTH = 64
NONCE_BYTES = 12


def _key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"xiaoan totp secret").derive(secret_key.encode())


def _aad(user: Any) -> bytes:
    return f"xiaoan-totp:{user.pk}".encode()


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def seal(user: Any, secret: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, base64.b32decode(secret), _aad(user))
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(user: Any, stored: str) -> str:
    """The base32 secret; a value stored before encryption (32 base32 characters) is returned as is."""
    if len(stored) != SEALED_LENGTH:
        return stored
    raw = base64.urlsafe_b64decode(stored)
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            plain = AESGCM(_key(secret_key)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(user))
        except InvalidTag:
            continue
        return base64.b32encode(plain).decode()
    raise ValueError("TOTP secret cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS")


def provisioning_uri(user: Any, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (drawn here: no external service sees the secret)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1d273b", light="#ffffff")


def verify(user: Any, code: str) -> bool:
    """Check a 6-digit code (one step of clock drift allowed); each code is accepted only once.

    The time comes from ``timezone.now()`` like every other clock of the accounts, so a test on a frozen clock
    freezes the codes too."""
    code = (code or "").strip().replace(" ", "")
    if not user.totp_secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(unseal(user, user.totp_secret))
    for offset in (0, -1, 1):
        at = totp.timecode(timezone.now()) + offset
        if pyotp.utils.strings_equal(totp.generate_otp(at), code):
            # replay guard in the shared cache (Redis or the database in production)
            return cache.add(f"xa-totp-used:{user.pk}:{at}", True, timeout=totp.interval * 3)
    return False


def requires_totp(role: str, unit_kind: str) -> bool:
    """Unit administrators of an education bureau (city or county level) must use a second factor.

    They create accounts and reset passwords for every school below them, so a stolen password alone must not
    be enough. School administrators and bureau staff in other roles may turn it on, but need not.
    """
    return role == Role.UNIT_ADMIN and unit_kind in BUREAU_KINDS


def totp_required(user: Any) -> bool:
    """Whether ``user`` must use TOTP, judged by the membership they act as: the same person acting as a
    teacher is not asked, and is sent to the set-up page on switching to a bureau administrator's post."""
    from xiaoan.orgs.policy import active_membership

    membership = active_membership(user)
    return membership is not None and requires_totp(membership.role, membership.unit.kind)
