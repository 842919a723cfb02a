"""Hit counters for the abuse limits of the public endpoints (per address, per school, per minute or hour).

They live in the ``counters`` cache: Redis when ``REDIS_URL`` is set (one count shared by every app node), else a
per-process memory cache. Without Redis the default cache is the database, and a counter there costs up to ten SQL
statements per request (a cull count, a transaction, a read and a write for ``add`` and again for ``incr``) —
more than the public write itself. The trade-off of the memory cache: each gunicorn worker counts on its own, so
an address may make up to (workers × limit) requests before every worker refuses it, and a restart forgets the
counts. The limits are abuse brakes, not quotas, so an approximate count is enough.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import BaseCache, caches

ALIAS = "counters"


def counter_cache() -> BaseCache:
    return caches[ALIAS if ALIAS in settings.CACHES else "default"]


def hit(key: str, *, window_seconds: int) -> int:
    """Count one hit on ``key`` and return the count in the current window (the caller puts the window in the key;
    the entry lives a little longer than the window so a late hit still finds it)."""
    store = counter_cache()
    timeout = window_seconds + 30
    if store.add(key, 1, timeout):
        return 1
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.set(key, 1, timeout)
        return 1
