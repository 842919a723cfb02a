"""Pages of the org tree (units) and its people; exports in ``exports``. Views stay thin: scoped lookup,
form bound with the user, one service call, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from xiaoan.core.errors import DomainError

from ..forms import add_validation_error

PAGE_SIZE = 50


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def call_service(form: forms.Form, service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; a refusal becomes a form error (the page re-renders with it), never a 500."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        add_validation_error(form, exc)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise  # a scope or role refusal is a 403/404 page, not a form error
        form.add_error(None, str(exc.message))
    return None
