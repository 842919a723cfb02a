"""The guardian's receipt page: public, no account, no session, no JavaScript, a few kilobytes.

The token in the URL is the capability (so the POST is CSRF-exempt): one indexed lookup by its hash, one
conditional write. The page is rendered without the request context, so nothing touches the session or sets a
cookie; answers are never cached and never leak the URL through a Referer header.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xiaoan.core.audit.services import client_ip
from xiaoan.core.crypto import mask_name
from xiaoan.core.middleware import public_endpoint
from xiaoan.core.ratelimit import hit
from xiaoan.core.rules.services import get_rule

from .. import services, tokens
from ..models import LetterState, ReceiptLink, ReceiptState

OPEN_STATES = frozenset({LetterState.PUBLISHED, LetterState.ARCHIVED})
LINK_FIELDS = (
    "receipt_id", "guardian_id", "expires_at", "receipt__state", "receipt__confirmed_at", "receipt__items_ticked",
    "receipt__pupil__name", "receipt__unit__name", "receipt__school_class__name", "letter__title",
    "letter__body_html", "letter__items", "letter__deadline", "letter__state", "letter__unit__name",
)  # fmt: skip


def _answer(template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(render_to_string(f"families/public/{template}", context), status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _over_limit(request: HttpRequest) -> bool:
    """A per-IP counter per minute (see xiaoan.core.ratelimit: shared by all app nodes when the cache is Redis)."""
    minute = int(timezone.now().timestamp() // 60)
    count = hit(f"xa:receipt-rate:{client_ip(request) or 'unknown'}:{minute}", window_seconds=60)
    return count > get_rule("families.receipt_page_per_ip_per_minute")


def _lookup(token: str) -> dict[str, Any] | None:
    token_hash = tokens.hash_token(token)
    if token_hash is None:
        return None
    rows = ReceiptLink.objects.system("a guardian's personal link").filter(token_hash=token_hash).values(*LINK_FIELDS)
    return next(iter(rows), None)


@public_endpoint
@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipt_page(request: HttpRequest, token: str) -> HttpResponse:
    if _over_limit(request):
        return _answer("busy.html", {}, status=429)
    link = _lookup(token)
    if link is None or link["letter__state"] not in OPEN_STATES:
        return _answer("unknown.html", {}, status=404)
    now = timezone.now()
    if link["expires_at"] < now:
        return _answer("expired.html", {"link": link}, status=410)
    just_confirmed = False
    if request.method == "POST":
        if request.POST.get("t") != token:  # the form carries its own token: a cross-site POST has none
            return _answer("unknown.html", {}, status=404)
        ticked = _ticked(request, len(link["letter__items"]))
        just_confirmed = services.confirm_by_link(link=link, ticked=ticked, now=now)
        if just_confirmed:
            link.update({"receipt__state": ReceiptState.CONFIRMED, "receipt__confirmed_at": now})
            link["receipt__items_ticked"] = ticked
        else:
            link["receipt__state"] = ReceiptState.CONFIRMED  # someone confirmed first: that receipt stands
            return _answer("page.html", _context(link, token, already=True))
    return _answer("page.html", _context(link, token, just_confirmed=just_confirmed))


def _ticked(request: HttpRequest, count: int) -> list[int]:
    chosen = set()
    for value in request.POST.getlist("item"):
        if value.isascii() and value.isdigit() and int(value) < count:  # "²".isdigit() is true, int("²") fails
            chosen.add(int(value))
    return sorted(chosen)


def _context(link: dict[str, Any], token: str, *, just_confirmed: bool = False, already: bool = False) -> dict:
    ticked = set(link["receipt__items_ticked"] or [])
    return {
        "token": token,
        "link": link,
        "pupil": mask_name(link["receipt__pupil__name"]),
        "items": [(index, text, index in ticked) for index, text in enumerate(link["letter__items"] or [])],
        "confirmed": link["receipt__state"] == ReceiptState.CONFIRMED,
        "just_confirmed": just_confirmed,
        "already": already,
    }
