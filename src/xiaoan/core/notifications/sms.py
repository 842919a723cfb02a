"""SMS through an adapter chosen by ``XIAOAN_SMS_BACKEND``: console (development), memory (tests), HTTP (a provider)."""

from __future__ import annotations

import json
import logging
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from xiaoan.core.errors import InvalidInput

logger = logging.getLogger(__name__)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class InvalidMobile(InvalidInput):
    default_message = _("手机号应为11位中国大陆手机号码。 A mobile number has 11 digits (mainland China).")


def normalize_mobile(phone: str) -> str:
    """``+86 138-0013-8000`` → ``13800138000``; anything that is not a mainland mobile number is refused."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not MOBILE_RE.match(digits):
        raise InvalidMobile()
    return digits


@dataclass(frozen=True)
class SmsResult:
    ok: bool
    status: int | None = None  # the provider's HTTP status, when there was one
    message_id: str = ""  # the provider's id of the message
    error: str = ""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> SmsResult: ...


class ConsoleSmsBackend:
    """Development: the message is logged and written to standard output."""

    def send(self, phone: str, text: str) -> SmsResult:
        logger.info("SMS to %s: %s", phone, text)
        sys.stdout.write(f"[SMS] {phone}: {text}\n")
        return SmsResult(ok=True, message_id="console")


class MemorySmsBackend:
    """Tests: messages are kept in ``MemorySmsBackend.outbox`` as ``(phone, text)`` pairs."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> SmsResult:
        self.outbox.append((phone, text))
        return SmsResult(ok=True, message_id=f"memory-{len(self.outbox)}")


class HttpSmsBackend:
    """A provider's HTTP API: POST ``{"phone", "text", "sign"}`` as JSON with a bearer key; 2xx is success."""

    def __init__(self) -> None:
        self.url = settings.XIAOAN_SMS_URL
        self.api_key = settings.XIAOAN_SMS_API_KEY
        self.sign = settings.XIAOAN_SMS_SIGN
        self.timeout = getattr(settings, "XIAOAN_SMS_TIMEOUT", 10)

    def send(self, phone: str, text: str) -> SmsResult:
        if not self.url.startswith(("https://", "http://")):
            return SmsResult(ok=False, error="XIAOAN_SMS_URL is not an http(s) URL")
        payload = json.dumps({"phone": phone, "text": text, "sign": self.sign}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.api_key}",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, raw = response.status, response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            return SmsResult(ok=False, status=exc.code, error=_reason(exc.read(2048)) or str(exc.reason))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            return SmsResult(ok=False, error=str(getattr(exc, "reason", exc)))
        if not 200 <= status < 300:
            return SmsResult(ok=False, status=status, error=_reason(raw))
        return SmsResult(ok=True, status=status, message_id=_message_id(raw))


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _message_id(raw: bytes) -> str:
    data = _json(raw)
    return str(next((data[key] for key in ("message_id", "messageId", "id") if data.get(key)), ""))


def _reason(raw: bytes) -> str:
    data = _json(raw)
    return str(data.get("message") or data.get("error") or raw[:200].decode("utf-8", "replace"))


def get_backend() -> SmsBackend:
    return import_string(settings.XIAOAN_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> SmsResult:
    """Send one text; an invalid number raises ``InvalidMobile``, a provider failure is logged and returned."""
    number = normalize_mobile(phone)
    backend = get_backend()
    try:
        result = backend.send(number, text)
    except Exception as exc:  # an adapter's bug must not break the caller's work
        logger.exception("SMS adapter %s failed", type(backend).__name__)
        result = SmsResult(ok=False, error=str(exc))
    if not result.ok:
        logger.warning("SMS to %s failed: status=%s error=%s", _masked(number), result.status, result.error)
    return result


def _masked(number: str) -> str:
    return number[:3] + "****" + number[-4:]
