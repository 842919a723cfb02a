"""Who is calling: the user an authenticator (session or token) put on the request."""

from typing import Any

from django.http import HttpRequest


def actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]
