"""Declared rules. An app declares its numbers in ``rules.py`` (collected at start-up):

declare_rule("drills.primary_per_month", 1, label=_("中小学每月应急疏散演练次数"),
             source="《中小学幼儿园应急疏散演练指南》", kind="int", minimum=0)
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

KINDS = ("int", "decimal", "bool", "text", "choice", "list")


@dataclass(frozen=True)
class RuleSpec:
    key: str
    default: Any
    label: Any
    source: Any = ""  # an official title stays as written; a descriptive text is gettext_lazy
    kind: str = "int"
    unit: Any = ""  # e.g. "天", "次/月"
    minimum: Any = None
    maximum: Any = None
    choices: tuple[tuple[str, Any], ...] = ()
    confirmed: bool = True  # False: the number could not be checked against the official text
    help: Any = ""
    group: str = field(default="")

    def parse(self, raw: Any) -> Any:
        """Turn form or API input into the stored value; raise ValueError with a clear message."""
        try:
            value = _convert(self.kind, raw)
        except (ValueError, TypeError, InvalidOperation):
            raise ValueError(_("“%(raw)s”不是有效的值。 Not a valid value.") % {"raw": raw}) from None
        if self.kind == "choice" and value not in {key for key, _label in self.choices}:
            raise ValueError(_("请选择列出的选项之一。 Choose one of the listed options."))
        if self.minimum is not None and value < self.minimum:
            raise ValueError(_("不能小于 %(min)s。 Must be at least %(min)s.") % {"min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValueError(_("不能大于 %(max)s。 Must be at most %(max)s.") % {"max": self.maximum})
        return value

    def to_json(self, value: Any) -> Any:
        return str(value) if isinstance(value, Decimal) else value

    def from_json(self, stored: Any) -> Any:
        return Decimal(stored) if self.kind == "decimal" else stored


def _convert(kind: str, raw: Any) -> Any:
    if kind == "int":
        if isinstance(raw, bool):
            raise ValueError
        return int(str(raw).strip())
    if kind == "decimal":
        return Decimal(str(raw).strip())
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on", "是"}:
            return True
        if text in {"0", "false", "no", "off", "否", ""}:
            return False
        raise ValueError
    if kind == "list":
        if isinstance(raw, list | tuple):
            return [str(item).strip() for item in raw if str(item).strip()]
        return [item.strip() for item in str(raw).replace("，", ",").split(",") if item.strip()]
    return str(raw).strip()


RULES: dict[str, RuleSpec] = {}


def declare_rule(key: str, default: Any, **options: Any) -> RuleSpec:
    if "." not in key:
        raise ValueError(f"Rule keys are namespaced by app: {key!r}")
    spec = RuleSpec(key=key, default=default, group=options.pop("group", key.split(".", 1)[0]), **options)
    if spec.kind not in KINDS:
        raise ValueError(f"Unknown rule kind {spec.kind!r}")
    RULES[key] = spec
    return spec


def get_spec(key: str) -> RuleSpec:
    try:
        return RULES[key]
    except KeyError:
        raise LookupError(f"Rule {key!r} is not declared") from None


def collect_rules() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("xiaoan."):
            continue
        try:
            importlib.import_module(f"{config.name}.rules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.rules":
                raise
