"""Personal receipt-link tokens: 128 bits derived with HMAC-SHA256 from a server key and the link's pair.

token  = HMAC(key, "<receipt id>.<guardian id>")[:16]      (shown once in an SMS or printed as a QR code)
stored = sha256(token) in hex                               (the only thing in the database)

Deriving instead of drawing at random lets the SMS job and the class PDF produce the same link at any time
without ever storing it, and lets PostgreSQL compute every stored hash inside one ``INSERT … SELECT`` with
its built-in ``sha256()`` (HMAC spelled out with the padded keys; no extension). Rotating
``XIAOAN_RECEIPT_LINK_KEY`` invalidates every link that was sent.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac

from django.conf import settings

TOKEN_BYTES = 16  # 128 bits
TOKEN_LENGTH = 22  # base64url without padding
BLOCK = 64  # SHA-256 block size, for the HMAC pads


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(f"xiaoan.families.receipt-link:{secret}".encode()).digest()


def link_key() -> bytes:
    secret = getattr(settings, "XIAOAN_RECEIPT_LINK_KEY", "") or settings.SECRET_KEY
    return _key(secret)


def pads() -> tuple[bytes, bytes]:
    """(key ⊕ ipad, key ⊕ opad): HMAC in SQL is sha256(opad ‖ sha256(ipad ‖ message))."""
    key = link_key().ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _message(receipt_id: int, guardian_id: int) -> bytes:
    return f"{receipt_id}.{guardian_id}".encode()


def token_bytes(receipt_id: int, guardian_id: int) -> bytes:
    return hmac.new(link_key(), _message(receipt_id, guardian_id), hashlib.sha256).digest()[:TOKEN_BYTES]


def make_token(receipt_id: int, guardian_id: int) -> str:
    return base64.urlsafe_b64encode(token_bytes(receipt_id, guardian_id)).rstrip(b"=").decode()


def hash_raw(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def link_hash(receipt_id: int, guardian_id: int) -> str:
    return hash_raw(token_bytes(receipt_id, guardian_id))


def hash_token(token: str) -> str | None:
    """The stored hash of a token from a URL, or None when it cannot be one of ours (no lookup needed)."""
    if len(token) != TOKEN_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != TOKEN_BYTES or base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != token:
        return None  # the last character carries 2 bits: 16 spellings decode alike; only ours is accepted
    return hash_raw(raw)


# PostgreSQL: the same hash from receipt and guardian id columns (parameters: ipad, opad as bytea)
SQL_LINK_HASH = (
    "encode(sha256(substring(sha256(%(opad)s::bytea || sha256(%(ipad)s::bytea || "
    "convert_to({receipt}::text || '.' || {guardian}::text, 'UTF8'))) from 1 for 16)), 'hex')"
)
