"""Domain errors become clear answers: a 403 page (audited) or the error's status with its message, never a 500.

``UnscopedQueryError`` is a programming error and is deliberately left alone: it must fail loudly.
"""

from __future__ import annotations

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


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (the language cookie).

    Browsers on bureau PCs often send ``Accept-Language: en-US``; that must not turn the interface
    English for people who never asked for it, so the header is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
