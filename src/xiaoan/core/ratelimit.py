"""Hit counters for the abuse limits of the public endpoints (per address, per school, per minute or hour).

They live in the ``counters`` cache: Redis when ``REDIS_URL`` is set (one count shared by every app node), else a
per-process memory cache. Without Redis the default cache is the database, and a counter there costs up to ten SQL
statements per request (a cull count, a transaction, a read and a write for ``add`` and again for ``incr``) —
more than the public write itself. The trade-off of the memory cache: each gunicorn worker counts on its own, so
an address may make up to (workers × limit) requests before every worker refuses it, and a restart forgets the
counts. The limits are abuse brakes, not quotas, so an approximate count is enough.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT

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


class ProcessCounters(BaseCache):
    """The counters' store without Redis: a dict in this process, with expiry.

    Django's local-memory cache pickles every value and keeps an LRU order under a lock: a third of a receipt
    page's Python time went to two counter updates. Counters are small integers that only need add, incr and
    expiry, so this keeps ``{key: (value, expires_at)}`` and drops expired entries when the dict grows past
    ``MAX_ENTRIES`` (keys carry their window, so old windows expire on their own).
    """

    def __init__(self, location: str, params: dict[str, Any]):
        super().__init__(params)
        self._data: dict[str, tuple[Any, float]] = {}
        self._lock = threading.Lock()

    def _expiry(self, timeout: Any) -> float:
        seconds = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        return float("inf") if seconds is None else time.monotonic() + seconds

    def _live(self, key: str, now: float) -> tuple[Any, float] | None:
        entry = self._data.get(key)
        return entry if entry is not None and entry[1] > now else None

    def _prune(self, now: float) -> None:
        if len(self._data) > self._max_entries:
            self._data = {key: entry for key, entry in self._data.items() if entry[1] > now}

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        key = self.make_key(key, version)
        now = time.monotonic()
        with self._lock:
            if self._live(key, now) is not None:
                return False
            self._prune(now)
            self._data[key] = (value, self._expiry(timeout))
            return True

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        key = self.make_key(key, version)
        with self._lock:
            entry = self._live(key, time.monotonic())
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = entry[0] + delta
            self._data[key] = (value, entry[1])
            return value

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        entry = self._live(self.make_key(key, version), time.monotonic())
        return default if entry is None else entry[0]

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        key = self.make_key(key, version)
        with self._lock:
            self._prune(time.monotonic())
            self._data[key] = (value, self._expiry(timeout))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        key = self.make_key(key, version)
        with self._lock:
            entry = self._live(key, time.monotonic())
            if entry is None:
                return False
            self._data[key] = (entry[0], self._expiry(timeout))
            return True

    def delete(self, key: Any, version: Any = None) -> bool:
        with self._lock:
            return self._data.pop(self.make_key(key, version), None) is not None

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._live(self.make_key(key, version), time.monotonic()) is not None

    def clear(self) -> None:
        with self._lock:
            self._data = {}
