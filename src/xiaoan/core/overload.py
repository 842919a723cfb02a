"""Load shedding: under overload the public endpoints answer a fast 503 with ``Retry-After`` instead of queueing.

gunicorn's ``gthread`` worker hands every readable connection to a thread pool whose queue has no bound. At three
times the capacity that queue — and every request's latency — grows for as long as the flood lasts, and requests a
guardian's phone has long given up on are still served (a receipt written that nobody saw confirmed).

The worker class of ``xiaoan serve`` (xiaoan.core.overload_worker) stamps a connection when it is queued for a
thread. When a thread takes a request for a public endpoint (the prefixes ``PublicEndpointMiddleware`` serves) that
waited longer than the rule ``core.public_shed_wait_ms``, the worker writes the prepared busy answer itself, before
Django: the view never runs, so nothing is written, and the refusal costs a fraction of what going through Django
would — under a flood most requests are refusals, so their cost decides how much capacity is left for the rest.
Staff pages are never shed (docs/decisions.md).
"""

from __future__ import annotations

import logging
import threading
import time

from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

WORKER_CLASS = "xiaoan.core.overload_worker.QueueTimingThreadWorker"  # gunicorn --worker-class
# gunicorn --worker-connections (its default is 1,000): a flood keeps about rate × threshold requests in flight, and
# beyond this many per worker gunicorn stops accepting; the rest would wait in the kernel's backlog, unmeasured
WORKER_CONNECTIONS = 2000
RULE = "core.public_shed_wait_ms"
DEFAULT_MS = 500
FLOOR_MS = 50  # the rule's minimum: a shorter wait is never shed, so nothing else is even looked at
RETRY_AFTER_SECONDS = 10
LOG_EVERY_SECONDS = 10.0

logger = logging.getLogger(__name__)
_prepared: dict[str, object] = {}  # per process: public prefixes, the busy answer's bytes
_log_state = {"shed": 0, "logged_at": 0.0}
_log_lock = threading.Lock()


def should_shed(path: str, wait: float | None) -> bool:
    """Whether a request for ``path`` that waited ``wait`` seconds for a thread is answered busy."""
    if wait is None or wait * 1000 < FLOOR_MS or not path.startswith(public_prefixes()):
        return False
    return wait * 1000 > threshold_ms()


def public_prefixes() -> tuple[str, ...]:
    prefixes = _prepared.get("prefixes")
    if prefixes is None:
        from .middleware import public_prefixes as find

        prefixes = _prepared["prefixes"] = tuple(sorted(find()))
    return prefixes  # type: ignore[return-value]


def threshold_ms() -> int:
    """The rule's value; its default when the rule cannot be read (an overloaded node must not fail on that)."""
    from .rules.services import get_rule

    try:
        return int(get_rule(RULE))
    except Exception:  # e.g. the database is unreachable: still shed, with the default
        return DEFAULT_MS


def busy_response() -> HttpResponse:
    """The busy page with the headers the middleware in front of the public endpoints would add; small, in
    Chinese and English (the bilingual message of the catalogue), no template, no database, no session."""
    from django.middleware.security import SecurityMiddleware

    from .security import SecurityHeadersMiddleware

    message = _("系统繁忙，您的操作没有被处理，请稍后再试。 The system is busy: nothing was saved, try again shortly.")
    html = format_html(
        '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title></head>'
        "<body><p>{}</p></body></html>",
        _("系统繁忙"),
        message,
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["X-Frame-Options"] = "DENY"
    request = HttpRequest()  # plain HTTP as seen here: no HSTS, which the browser keeps from earlier answers anyway
    response = SecurityMiddleware(lambda _request: response).process_response(request, response)
    return SecurityHeadersMiddleware(lambda _request: response)(request)


def busy_bytes(*, keep_alive: bool) -> bytes:
    """The complete HTTP/1.1 answer, built once per process in the installation's language."""
    key = "keep-alive" if keep_alive else "close"
    prepared = _prepared.get(key)
    if prepared is None:
        from django.conf import settings
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            response = busy_response()
        response["Content-Language"] = settings.LANGUAGE_CODE
        response["Content-Length"] = str(len(response.content))
        response["Connection"] = key
        head = "HTTP/1.1 503 Service Unavailable\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.items())
        prepared = _prepared[key] = head.encode("latin-1") + b"\r\n" + response.content
    return prepared  # type: ignore[return-value]


def note_shed(wait: float) -> None:
    """One warning per process every LOG_EVERY_SECONDS while shedding, not one line per request: operators learn
    that the node is overloaded without a flood of log lines (and a receipt path holds the guardian's token)."""
    now = time.monotonic()
    with _log_lock:
        _log_state["shed"] += 1
        if now - _log_state["logged_at"] < LOG_EVERY_SECONDS:
            return
        count, _log_state["shed"], _log_state["logged_at"] = _log_state["shed"], 0, now
    logger.warning(
        "overloaded: %d public request(s) answered 503 (this one waited %.0f ms for a thread; limit %d ms)",
        count,
        wait * 1000,
        threshold_ms(),
    )
