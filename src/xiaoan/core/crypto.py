"""Field-level encryption and masking for personal data (identity and mobile numbers of minors and guardians).

Values are stored as ``<key id>:<base64(nonce ‖ AES-GCM ciphertext)>``. Keys come from the environment:
``XIAOAN_DATA_KEYS="v2:<base64 32 bytes>,v1:<base64 32 bytes>"`` — the first key encrypts, every listed key
decrypts, so a key is rotated by putting a new one first, running ``manage.py rotate_data_keys`` and then
dropping the old one. Lookups (siblings matched by a guardian's mobile number, a pupil by ID number) go through
``keyed_hash``, an HMAC with a separate ``XIAOAN_HASH_KEY`` that does not change when the data key rotates.

Outside production (DEBUG, demo, tests) keys are derived from ``SECRET_KEY`` with a warning, so a developer
machine works without set-up; production refuses to encrypt without configured keys.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
DEV_KEY_ID = "dev"


class DecryptionError(ValueError):
    """A stored value cannot be decrypted with any configured key."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]
    hash_key: bytes
    # one cipher object per key, built once: bulk imports encrypt millions of values
    ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False)

    def cipher(self, key_id: str) -> AESGCM:
        if key_id not in self.ciphers:
            self.ciphers[key_id] = AESGCM(self.keys[key_id])
        return self.ciphers[key_id]


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value or "").strip()


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"xiaoan:{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _parse_keys(text: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or ":" in key_id:
            raise ImproperlyConfigured("XIAOAN_DATA_KEYS entries must look like 'id:base64key'")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"XIAOAN_DATA_KEYS key {key_id!r} is not valid base64") from exc
        if len(raw) not in (16, 24, 32):
            raise ImproperlyConfigured(f"XIAOAN_DATA_KEYS key {key_id!r} must be 16, 24 or 32 bytes")
        if key_id in keys:
            raise ImproperlyConfigured(f"XIAOAN_DATA_KEYS lists key {key_id!r} twice")
        keys[key_id] = raw
    return keys


@functools.lru_cache(maxsize=1)
def keyring() -> KeyRing:
    production = getattr(settings, "PRODUCTION", not settings.DEBUG) and not os.environ.get("XIAOAN_TESTING")
    keys = _parse_keys(_setting("XIAOAN_DATA_KEYS"))
    hash_text = _setting("XIAOAN_HASH_KEY")
    if production and (not keys or not hash_text):
        raise ImproperlyConfigured(
            "XIAOAN_DATA_KEYS and XIAOAN_HASH_KEY must be set in production / 生产环境必须设置个人信息加密密钥"
        )
    if not keys:
        logger.warning(
            "XIAOAN_DATA_KEYS not set: personal data is encrypted with a development key derived from SECRET_KEY"
        )
        keys = {DEV_KEY_ID: _derived("data")}
    if not hash_text:
        logger.warning("XIAOAN_HASH_KEY not set: lookup hashes use a development key derived from SECRET_KEY")
    hash_key = hash_text.encode() if hash_text else _derived("hash")
    return KeyRing(current_id=next(iter(keys)), keys=keys, hash_key=hash_key)


def reset_keys() -> None:
    """Forget the cached keys (after the settings or environment changed, e.g. in tests)."""
    keyring.cache_clear()


def generate_key() -> str:
    """A fresh base64 AES-256 key for ``XIAOAN_DATA_KEYS``."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def encrypt(plaintext: str) -> str:
    ring = keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = ring.cipher(ring.current_id).encrypt(nonce, plaintext.encode(), None)
    return f"{ring.current_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    return token.partition(":")[0]


def decrypt(token: str) -> str:
    key_id, sep, encoded = token.partition(":")
    ring = keyring()
    if not sep or key_id not in ring.keys:
        raise DecryptionError(f"no configured key {key_id!r} for an encrypted value")
    try:
        raw = base64.b64decode(encoded)
        return ring.cipher(key_id).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()
    except Exception as exc:  # InvalidTag, binascii.Error: a damaged value or the wrong key
        raise DecryptionError("an encrypted value cannot be decrypted") from exc


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 (hex) of an already normalised value, for equality lookups without the plaintext."""
    return hmac.new(keyring().hash_key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.CharField):
    """A text field encrypted at rest; reads decrypt transparently. ``max_length`` limits the plaintext.

    Only saves encrypt (``get_db_prep_save``): a lookup such as ``filter(mobile=…)`` compares with the stored
    ciphertext and finds nothing — look rows up by a keyed hash instead.
    """

    description = "Encrypted text"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if hasattr(value, "as_sql"):
            return value  # an expression (bulk_update's CASE): its values come back here one by one
        value = self.to_python(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


# --- masking ------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """张小明 → 张*明, 张三 → 张*, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_mobile(mobile: str) -> str:
    """13812341234 → 138****1234."""
    mobile = (mobile or "").strip()
    if len(mobile) < 8:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


def mask_id_number(id_number: str) -> str:
    """411302201501011234 → 4113**********1234."""
    id_number = (id_number or "").strip()
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
