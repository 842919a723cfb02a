"""Security headers on every response: a Content-Security-Policy without inline scripts, and the browser policies.

Scripts come only from our own static files (no inline ``<script>``, no ``on…=`` attributes: see
``static/xiaoan/xiaoan.js`` and the template test). Styles allow ``'unsafe-inline'``: the templates set
computed widths (progress bars) in ``style`` attributes and htmx adds its indicator ``<style>``; inline CSS cannot
run code. HSTS comes from Django's SecurityMiddleware (``SECURE_HSTS_*``) in production.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = "camera=(self), geolocation=(), microphone=(), payment=(), usb=()"


def content_security_policy() -> str:
    directives = {**DEFAULT_CSP, **getattr(settings, "XIAOAN_CSP_OVERRIDES", {})}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Sets the headers unless a view set its own (e.g. a stricter policy on a download)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
