"""Domain errors become clear answers: a 403 page (audited) or the error's status with its message, never a 500.

``UnscopedQueryError`` is a programming error and is deliberately left alone: it must fail loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import format_html

from .errors import DomainError, PermissionDenied

MESSAGE_TARGET = "#xa-messages"


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json")


def error_response(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    if request.headers.get("HX-Request"):
        # the message lands in the page's message area; base.html lets htmx swap this error response
        response = HttpResponse(format_html('<div class="alert alert-danger" role="alert">{}</div>', message))
        response.status_code = status
        response["HX-Retarget"] = MESSAGE_TARGET
        response["HX-Reswap"] = "innerHTML"
        response["X-Xiaoan-Error"] = "1"
        return response
    template = "404.html" if status == 404 else "403.html"  # 403.html also words other refusals (400, 409)
    html = render_to_string(template, {"message": message, "status": status}, request=request)
    return HttpResponse(html, status=status)


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied | DjangoPermissionDenied):
            from .audit.models import AuditKind
            from .audit.services import record

            message = getattr(exception, "message", None) or PermissionDenied.default_message
            record(
                AuditKind.PERMISSION_DENIED,
                request=request,
                detail={"path": request.path[:200], "method": request.method},
            )
            return error_response(request, str(message), 403)
        if isinstance(exception, DomainError):
            return error_response(request, str(exception.message), exception.status_code)
        return None


def activate_language(request: HttpRequest) -> str:
    """The language the user chose with the switch (the language cookie), else Simplified Chinese."""
    from django.conf import settings
    from django.utils import translation

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()
    return language


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (the language cookie).

    Browsers on bureau PCs often send ``Accept-Language: en-US``; that must not turn the interface
    English for people who never asked for it, so the header is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = activate_language(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# --- the thin path of the public endpoints ------------------------------------------------------------------------

PUBLIC_ATTRIBUTE = "xiaoan_public_endpoint"


def public_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that serves people without an account (a guardian's receipt link, the anonymous 随手拍 form).

    ``PublicEndpointMiddleware`` runs it without the session stack. Such a view must not read ``request.user``,
    the session, messages or the CSRF token (``request.user`` is always anonymous there), must render its
    templates without the request context, and protects its POST itself (a capability token in the URL, a signed
    form nonce). Only views routed with ``path()`` can be marked.
    """
    setattr(view, PUBLIC_ATTRIBUTE, True)
    return view


def _route_prefix(route: str) -> str:
    return route.split("<", 1)[0]


def public_prefixes(patterns: Iterable[Any] | None = None, prefix: str = "/") -> set[str]:
    """The fixed start of every URL routed to a public endpoint, found by walking the URLconf."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    found: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if "<" not in route:
                found |= public_prefixes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, PUBLIC_ATTRIBUTE, False):
            found.add(prefix + _route_prefix(route))
    return found


class PublicEndpointMiddleware:
    """Serves public endpoints on a thin path: no session, authentication, account gates, membership, CSRF,
    messages or auditlog context — a guardian confirming a receipt needs none of them, and on the busiest day of
    the year they cost more than the single-row write itself. What stays: the host check, the language choice,
    the scope guard, clear answers for domain errors and the frame-blocking header; security headers come from
    the middleware before this one. Everything else takes the full stack.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes: tuple[str, ...] | None = None  # the URLconf is read on the first request, not at start-up

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.prefixes is None:
            self.prefixes = tuple(sorted(public_prefixes()))
        if not self.prefixes or not request.path_info.startswith(self.prefixes):
            return self.get_response(request)
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if not getattr(match.func, PUBLIC_ATTRIBUTE, False):
            return self.get_response(request)
        return self._serve(request, match)

    def _serve(self, request: HttpRequest, match: Any) -> HttpResponse:
        from django.contrib.auth.models import AnonymousUser

        from .scoping import guard

        request.get_host()  # DisallowedHost → 400, as CommonMiddleware would answer
        language = activate_language(request)
        request.resolver_match = match
        request.user = AnonymousUser()  # type: ignore[assignment]
        request.membership = None  # type: ignore[attr-defined]
        with guard(True):
            try:
                response = match.func(request, *match.args, **match.kwargs)
            except DomainError as exc:
                response = error_response(request, str(exc.message), exc.status_code)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Language", language)
        return response
