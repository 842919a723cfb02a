"""The guardian's receipt page: public, no account, no session, no JavaScript, a few kilobytes.

The token in the URL is the capability (so the POST is CSRF-exempt): one indexed lookup by its hash, one
conditional write. The page is rendered without the request context, so nothing touches the session or sets a
cookie; answers are never cached and never leak the URL through a Referer header.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import date as format_date
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xiaoan.core.audit.services import client_ip
from xiaoan.core.crypto import mask_name
from xiaoan.core.middleware import public_endpoint
from xiaoan.core.pagestamp import PageStamp, slot
from xiaoan.core.ratelimit import hit
from xiaoan.core.rules.services import get_rule

from .. import receipt_links, tokens
from ..models import ReceiptState

PAGE = PageStamp("families/public/page.html")


def _answer(template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return _respond(render_to_string(f"families/public/{template}", context), status)


def _respond(html: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _over_limit(request: HttpRequest) -> bool:
    """A per-IP counter per minute (see xiaoan.core.ratelimit: shared by all app nodes when the cache is Redis)."""
    minute = int(timezone.now().timestamp() // 60)
    count = hit(f"xa:receipt-rate:{client_ip(request) or 'unknown'}:{minute}", window_seconds=60)
    return count > get_rule("families.receipt_page_per_ip_per_minute")


@public_endpoint
@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipt_page(request: HttpRequest, token: str) -> HttpResponse:
    if _over_limit(request):
        return _answer("busy.html", {}, status=429)
    token_hash = tokens.hash_token(token)
    now = timezone.now()
    first = False
    if token_hash is None:
        link = None
    elif request.method == "POST":
        if request.POST.get("t") != token:  # the form carries its own token: a cross-site POST has none
            return _answer("unknown.html", {}, status=404)
        # the lookup and the conditional write in one statement where the database allows it
        link, first = receipt_links.confirm(token_hash, receipt_links.wanted_items(request.POST.getlist("item")), now)
    else:
        link = receipt_links.lookup(token_hash)
    if link is None or link["letter__state"] not in receipt_links.OPEN_STATES:
        return _answer("unknown.html", {}, status=404)
    if link["expires_at"] < now:
        return _answer("expired.html", {"link": link}, status=410)
    if request.method == "POST":
        return _respond(_page(link, token, "just_confirmed" if first else "already"))
    confirmed = link["receipt__state"] == ReceiptState.CONFIRMED
    return _respond(_page(link, token, "confirmed" if confirmed else "pending"))


def _page(link: dict[str, Any], token: str, state: str) -> str:
    """The page from its stamp: rendered once per letter content and page state, the guardian's values filled in."""
    items = tuple(link["letter__items"] or ())
    letter = {
        "title": link["letter__title"],
        "unit": link["letter__unit__name"],
        "deadline": link["letter__deadline"],
        "body_html": link["letter__body_html"],
    }
    confirmed_at = link["receipt__confirmed_at"] if state == "confirmed" else None
    shape = (state, bool(confirmed_at), items, *letter.values())
    ticked = set(link["receipt__items_ticked"] or [])
    values = {
        "token": token,
        "pupil": mask_name(link["receipt__pupil__name"]),
        "school": link["receipt__unit__name"],
        "klass": link["receipt__school_class__name"] or "",
        "time": format_date(confirmed_at, "Y-m-d H:i") if confirmed_at else "",
        **{f"mark{index}": "☑" if index in ticked else "☐" for index in range(len(items))},
    }

    def context() -> dict[str, Any]:
        return {
            "state": state,
            "letter": letter,
            "items": [(index, text, slot(f"mark{index}")) for index, text in enumerate(items)],
            **{name: slot(name) for name in ("token", "pupil", "school", "klass")},
            "time": slot("time") if confirmed_at else "",
        }

    return PAGE.render(shape, context, values)
