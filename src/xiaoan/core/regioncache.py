"""Region aggregates reused for a minute: what everyone acting in the same unit with the same role sees alike.

A city's roll-ups over a million rows (home-page widgets, the hazard list's per-county table) cost hundreds of
milliseconds each; they are the same for every officer of the unit, because ``for_user`` depends only on the unit's
path and the role. ``region_cached`` keeps such a result in the shared cache for ``WIDGET_CACHE_SECONDS`` (default
60 s, 0 switches it off; docs/decisions.md 52). Never for lists of rows, detail pages or a person's own tasks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
MISSING = object()


def region_cached(name: str, request: Any, parts: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its result for the same unit, role and ``parts`` from the last ``WIDGET_CACHE_SECONDS``."""
    seconds = settings.WIDGET_CACHE_SECONDS
    membership = getattr(request, "membership", None)
    if not (seconds and membership):
        return compute()
    identity = repr((name, membership.unit.path, membership.role, parts)).encode()
    key = f"xa-region:{name}:{hashlib.sha256(identity).hexdigest()[:32]}"
    found = cache.get(key, MISSING)
    if found is not MISSING:
        return found  # type: ignore[return-value]
    value = compute()
    cache.set(key, value, seconds)
    return value
