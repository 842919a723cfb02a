"""The public 随手拍 pages: no login, no session, no cookie, no JavaScript.

CSRF protection is replaced by a signed one-time form nonce (it binds the form to the school's token and
expires; its random part is the hazard's ``submission_nonce``, so a double submit makes one hazard) and a
honeypot field; abuse is limited per address and per school by cache counters. The view never touches
``request.user``: no session or user lookup, one indexed token lookup and one insert.
"""

from __future__ import annotations

import secrets
import time

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xiaoan.core.audit.services import client_ip
from xiaoan.core.errors import InvalidInput
from xiaoan.core.middleware import public_endpoint
from xiaoan.core.pagestamp import PageStamp, slot
from xiaoan.core.prepared import HotQuery
from xiaoan.core.ratelimit import hit
from xiaoan.core.rules.services import get_rule

from .. import services
from ..forms import PublicReportForm, TrackForm
from ..models import ReportPoint

NONCE_SALT = "xiaoan.hazards.public-report"
NONCE_MAX_AGE = 6 * 3600


POINT = HotQuery(
    "report point",
    lambda token: ReportPoint.objects.filter(token=token, is_active=True).values("id", "unit_id", "unit_path"),
)
DONE = PageStamp("hazards/public/done.html")


def _point(token: str) -> ReportPoint:
    row = POINT.first(token)
    if row is None:
        raise Http404
    point = ReportPoint(**row)
    point._state.adding, point._state.db = False, "default"
    return point


def new_nonce(token: str) -> str:
    return signing.dumps({"t": token, "r": secrets.token_hex(12)}, salt=NONCE_SALT, compress=True)


def read_nonce(value: str, token: str) -> str | None:
    try:
        data = signing.loads(value, salt=NONCE_SALT, max_age=NONCE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != token:
        return None
    return str(data.get("r", "")) or None


def _over_limit(request: HttpRequest, token: str) -> bool:
    """Hourly counters per client address and per school (xiaoan.core.ratelimit); both are counted, either may
    refuse."""
    hour = int(time.time() // 3600)
    address = client_ip(request) or "unknown"  # behind trusted proxies: the client, not the proxy
    limits = (
        (f"hz:ip:{address}:{hour}", int(get_rule("hazards.public_reports_per_ip_hour"))),
        (f"hz:pt:{token}:{hour}", int(get_rule("hazards.public_reports_per_school_hour"))),
    )
    over = False
    for key, limit in limits:
        over = hit(key, window_seconds=3600) > limit or over
    return over


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """Rendered without the request context: a public page needs no user, session, messages or CSRF token."""
    return HttpResponse(render_to_string(template, context), status=status)


def _again(request: HttpRequest, token: str, error: str = "") -> HttpResponse:
    """The form once more, with what was typed, its errors and a fresh nonce (photos must be chosen again)."""
    data = request.POST.copy()
    data["nonce"], data["website"] = new_nonce(token), ""
    form = PublicReportForm(data)
    form.is_valid()
    return _page(request, "hazards/public/report.html", {"form": form, "token": token, "error": error}, 400)


@public_endpoint
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        _point(token)
        form = PublicReportForm(initial={"nonce": new_nonce(token)})
        return _page(request, "hazards/public/report.html", {"form": form, "token": token})
    form = PublicReportForm(request.POST)
    if not form.is_valid() or form.cleaned_data["website"]:
        return _again(request, token)
    nonce = read_nonce(form.cleaned_data["nonce"], token)
    if nonce is None:
        return _again(request, token, _("表单已过期，请重新提交。 The form has expired; please submit it again."))
    if _over_limit(request, token):
        return _page(request, "hazards/public/limited.html", {}, status=429)
    point = _point(token)
    photos = request.FILES.getlist("photos")[: int(get_rule("hazards.public_photos_max"))]
    try:
        hazard = services.public_report(
            point=point,
            place=form.cleaned_data["place"],
            description=form.cleaned_data["description"],
            phone=form.cleaned_data["phone"],
            photos=photos,
            nonce=nonce,
        )
    except InvalidInput as exc:
        return _again(request, token, str(exc.message))
    return HttpResponse(DONE.render("done", lambda: {"code": slot("code")}, {"code": hazard.tracking_code}))


@public_endpoint
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def public_track(request: HttpRequest) -> HttpResponse:
    """The reporter's view: status and dates only, never who handles it or how."""
    form = TrackForm(request.POST or request.GET or None)
    hazard, searched = None, False
    if form.is_bound and form.is_valid():
        searched = True
        hazard = services.hazard_by_tracking_code(form.cleaned_data["code"])
    return _page(request, "hazards/public/track.html", {"form": form, "hazard": hazard, "searched": searched})
