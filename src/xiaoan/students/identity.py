"""Identity and mobile numbers: normalising what people type, GB 11643 checksums, and damaged spreadsheet numbers."""

from __future__ import annotations

import datetime
import operator
import re
import unicodedata

from django.utils.translation import gettext as _

from xiaoan.core.crypto import keyed_hash

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")
_SEPARATORS = re.compile(r"[\s\-‐—_'’`]+")


class IdentityError(ValueError):
    """A number that cannot be accepted; the message says why and what to do."""


def _squeeze(value: str) -> str:
    """Full-width digits to ASCII, all spaces and separators out, upper case."""
    value = value or ""
    if value.isascii() and value.isalnum():  # already plain (most cells): nothing to take out
        return value.upper()
    text = unicodedata.normalize("NFKC", value)
    return _SEPARATORS.sub("", text).upper()


def id_check_char(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError("the check character is computed from the first 17 digits")
    return _CHECK_CHARS[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]


def damaged_message() -> str:
    return _(
        "该身份证号在Excel中被存成了数字，末几位已丢失，请把该列设为文本后重新填写。"
        " The ID number was stored as a number in Excel and its last digits are lost;"
        " format the column as text and type the numbers again."
    )


def normalise_id_number(value: str) -> str:
    """A valid 18-character resident ID number (GB 11643), or ``IdentityError`` explaining what is wrong."""
    text = _squeeze(value)
    if _SCIENTIFIC.match(text):
        raise IdentityError(damaged_message())
    if not _ID_RE.match(text):
        raise IdentityError(
            _("身份证号应为18位：17位数字加1位数字或X。 An ID number has 17 digits followed by a digit or X.")
        )
    if id_check_char(text[:17]) != text[17]:
        if text.endswith("000"):
            # Excel keeps 15 significant digits: an ID typed into a number cell ends in zeros
            raise IdentityError(damaged_message())
        raise IdentityError(
            _("身份证号校验位不正确，请核对。 The check digit of the ID number is wrong; please check the number.")
        )
    try:
        datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdentityError(
            _("身份证号中的出生日期无效。 The date of birth inside the ID number is invalid.")
        ) from None
    return text


def birth_date_of(id_number: str) -> datetime.date:
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def normalise_mobile(value: str) -> str:
    """An 11-digit mainland mobile number (1[3-9]…), without +86, spaces or dashes."""
    text = _squeeze(value)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if _SCIENTIFIC.match(text):
        raise IdentityError(
            _("手机号被存成了科学计数法，请把该列设为文本。 The mobile number was stored in scientific notation.")
        )
    if not _MOBILE_RE.match(text):
        raise IdentityError(
            _("手机号应为以1开头的11位数字（第二位为3–9）。 A mobile number has 11 digits starting 13–19.")
        )
    return text


def id_hash(id_number: str) -> str | None:
    return keyed_hash("id:" + id_number) if id_number else None


def mobile_hash(mobile: str) -> str | None:
    return keyed_hash("mobile:" + mobile) if mobile else None
