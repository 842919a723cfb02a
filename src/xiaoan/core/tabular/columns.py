"""Declared columns of an import: the header users see, the aliases they write instead, and a parser."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

Parser = Callable[[str], Any]

_SPACES = re.compile(r"\s+")
_REQUIRED_MARKS = "*＊"


def normalise_header(value: Any) -> str:
    """``" 学校 名称* "`` and ``"学校名称"`` are the same header: NFKC, no spaces (incl. full-width), no marks."""
    text = unicodedata.normalize("NFKC", normalise_cell(value))
    return _SPACES.sub("", text).strip(_REQUIRED_MARKS).lower()


def normalise_cell(value: Any) -> str:
    """Every cell becomes a stripped NFKC string; 411302.0 (how spreadsheets store codes) becomes "411302"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass(frozen=True)
class Column:
    """One column of an import spec. ``parse`` turns the cell text into a value or raises ValueError."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    parse: Parser | None = None
    default: Any = None  # the value of an empty optional cell
    help_text: Any = ""  # may be a lazy translation

    def names(self) -> set[str]:
        return {normalise_header(name) for name in (self.header, *self.aliases)}

    def convert(self, text: str) -> Any:
        if self.parse is None:
            return text
        return self.parse(text)


# --- parsers ------------------------------------------------------------------------------------
# Each raises ValueError with a message that tells the user what to write instead.


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(_("不能超过 %(n)d 个字符。 At most %(n)d characters.") % {"n": max_length})
        return value

    return parse


def integer(minimum: int = 0, maximum: int = 10_000_000) -> Parser:
    def parse(value: str) -> int:
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("应为整数。 A whole number is expected.")) from None
        if number != number.to_integral_value():
            raise ValueError(_("应为整数。 A whole number is expected."))
        if not minimum <= number <= maximum:
            raise ValueError(
                _("应在 %(min)d 到 %(max)d 之间。 Must be between %(min)d and %(max)d.")
                % {"min": minimum, "max": maximum}
            )
        return int(number)

    return parse


def decimal(minimum: Decimal, maximum: Decimal, places: int = 6) -> Parser:
    quantum = Decimal(1).scaleb(-places)

    def parse(value: str) -> Decimal:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(_("应为数字。 A number is expected.")) from None
        if not number.is_finite() or not minimum <= number <= maximum:
            raise ValueError(
                _("应在 %(min)s 到 %(max)s 之间。 Must be between %(min)s and %(max)s.")
                % {"min": minimum, "max": maximum}
            )
        return number.quantize(quantum)

    return parse


_TRUE = {"是", "有", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×"}


def yes_no(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(_("请填写“是”或“否”。 Write 是 (yes) or 否 (no)."))


def pattern(regex: str, message: Any) -> Parser:
    compiled = re.compile(regex)

    def parse(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return parse


def choice(options: Iterable[tuple[str, Iterable[str]]]) -> Parser:
    """``options``: (stored value, accepted spellings) — e.g. ("primary", ["小学", "Primary school"])."""
    lookup: dict[str, str] = {}
    shown: list[str] = []
    for value, spellings in options:
        names = list(spellings)
        shown.append(names[0] if names else value)
        for name in (value, *names):
            lookup[normalise_header(name)] = value

    def parse(text_value: str) -> str:
        found = lookup.get(normalise_header(text_value))
        if found is None:
            raise ValueError(
                _("应为以下之一：%(options)s。 Must be one of the listed values.") % {"options": "、".join(shown)}
            )
        return found

    return parse
