"""Bearer-token authentication for the django-ninja API: ``Authorization: Bearer xa_…``."""

from __future__ import annotations

from typing import Any

from ninja.security import HttpBearer

from xiaoan.orgs.policy import set_acting_membership

from .services import authenticate_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: Any, token: str) -> Any:
        result = authenticate_token(token)
        if result is None:
            return None
        user, membership = result
        set_acting_membership(user, membership)
        request.user = user
        request.membership = membership
        _attribute_data_changes(user)
        return user


def _attribute_data_changes(user: Any) -> None:
    """AuditlogMiddleware saw an anonymous request; name the token's owner as the actor of its changes."""
    from auditlog.context import auditlog_value

    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user
