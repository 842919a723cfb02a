"""Reading and changing rule values."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed

from .models import RuleValue
from .registry import get_spec

_CACHE_KEY = "xiaoan:rules:version"
# How long a process trusts its copy before asking the shared cache whether a rule changed: rules are
# read many times per page, and without Redis every cache read is a database query.
RECHECK_SECONDS = 2.0
_memo: dict[str, Any] = {"version": None, "values": {}, "checked_at": -1e9}


def _history() -> dict[str, list[tuple[dt.date, Any]]]:
    """All changed values, newest first per key; reloaded when any process changes a rule."""
    now = time.monotonic()
    if _memo["version"] is not None and now - _memo["checked_at"] < RECHECK_SECONDS:
        return _memo["values"]
    version = cache.get(_CACHE_KEY, 0)
    _memo["checked_at"] = now
    if _memo["version"] != version:
        values: dict[str, list[tuple[dt.date, Any]]] = {}
        for row in RuleValue.objects.order_by("key", "-valid_from").values("key", "valid_from", "value"):
            values.setdefault(row["key"], []).append((row["valid_from"], row["value"]))
        _memo.update(version=version, values=values)
    return _memo["values"]


def get_rule(key: str, on: dt.date | None = None) -> Any:
    """The value of ``key`` in force on ``on`` (default: today in Asia/Shanghai)."""
    spec = get_spec(key)
    day = on or timezone.localdate()
    for valid_from, value in _history().get(key, []):
        if valid_from <= day:
            return spec.from_json(value)
    return spec.default


def rule_history(key: str) -> list[tuple[dt.date, Any]]:
    spec = get_spec(key)
    return [(valid_from, spec.from_json(value)) for valid_from, value in _history().get(key, [])]


@transaction.atomic
def rule_set(*, actor: Any, key: str, raw_value: Any, valid_from: dt.date, note: str = "") -> RuleValue:
    """Change a rule from ``valid_from`` on. Past days are never rewritten: the date must not be before today."""
    ensure_allowed(actor, "rules.rulevalue.change")
    spec = get_spec(key)
    if valid_from < timezone.localdate():
        raise InvalidInput(_("生效日期不能早于今天：已过去的时段按当时的规则评判。 The date cannot be in the past."))
    try:
        value = spec.parse(raw_value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    row, _created = RuleValue.objects.update_or_create(
        key=key,
        valid_from=valid_from,
        defaults={"value": spec.to_json(value), "note": note.strip(), "changed_by": actor},
    )
    # bump now and forget the local copy (this process sees its own write at once); bump again after
    # commit so the other processes reload committed data
    _bump_version()
    reset_memo()
    transaction.on_commit(_bump_version)
    return row


def reset_memo() -> None:
    """Forget the in-process copy (tests, after the database was rolled back)."""
    _memo.update(version=None, values={}, checked_at=-1e9)


def _bump_version() -> None:
    try:
        cache.incr(_CACHE_KEY)
    except ValueError:
        cache.set(_CACHE_KEY, 1, None)
