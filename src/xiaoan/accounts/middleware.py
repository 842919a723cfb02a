"""Session gates: idle logout; a half-signed-in session confined to the code page; a forced TOTP set-up; a forced
password change. Each gate lets through only its own page, sign-out, the language switch and static files."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .passwords import password_expired
from .totp import totp_required

IDLE_KEY = "xa_last_seen"
IDLE_LOGGED_OUT_KEY = "xa_idle_logged_out"
SECOND_FACTOR_PENDING_KEY = "xa_second_factor_pending"
IDLE_WRITE_EVERY = 60  # seconds: refresh the timestamp at most once a minute, not on every request


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(IDLE_KEY)
            if last_seen is not None and now - int(last_seen) > settings.XIAOAN_IDLE_TIMEOUT_SECONDS:
                request.xa_logout_reason = "idle"
                logout(request)
                request.session[IDLE_LOGGED_OUT_KEY] = True
            elif last_seen is None or now - int(last_seen) >= IDLE_WRITE_EVERY:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


def _always_open(path: str) -> bool:
    return (
        path.startswith(settings.STATIC_URL)
        or path == reverse("accounts:logout")
        or path == reverse("set_language")
        or path == reverse("healthz")
    )


def _confine(request, url_name: str):
    """Send the request to ``url_name`` unless it is already there (or on an always-open path)."""
    target = reverse(url_name)
    if request.path_info == target or _always_open(request.path_info):
        return None
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": _("请先在网页上完成登录。 Finish signing in on the web page first.")}, status=401
        )
    url = target
    if request.method == "GET" and request.path_info != "/":
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SecondFactorMiddleware:
    """A session that passed the password but not the code reaches only the code page; a user who must use TOTP
    and has not set it up reaches only the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if request.session.get(SECOND_FACTOR_PENDING_KEY):
                response = _confine(request, "accounts:second_factor")
            elif not user.totp_confirmed and totp_required(user):
                response = _confine(request, "accounts:totp_setup")
            else:
                response = None
            if response is not None:
                return response
        return self.get_response(request)


class PasswordChangeMiddleware:
    """Until a temporary or expired password is replaced, every page leads to the password page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and (user.must_change_password or password_expired(user)):
            response = _confine(request, "accounts:password_change")
            if response is not None:
                return response
        return self.get_response(request)
