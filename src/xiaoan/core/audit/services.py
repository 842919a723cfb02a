"""Recording security events, and registering models with django-auditlog so their changes carry a unit path.

``record`` is the one way to write an ``AuditEvent``. Later modules call ``audit_sensitive_read`` whenever
they show a minor's personal data unmasked, and ``register_audited`` instead of ``auditlog.register`` so
the data-change log can be scoped to the tree like everything else.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from xiaoan.core.scoping import get_policy

from .models import AuditEvent, AuditKind

USER_AGENT_MAX = 200


def client_ip(request: HttpRequest | None) -> str | None:
    """The client address. Behind N trusted proxies (``XIAOAN_TRUSTED_PROXIES``) the N-th address from the right
    of X-Forwarded-For; never the left-most one, which the client chooses freely."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "XIAOAN_TRUSTED_PROXIES", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate or ""))
    except ValueError:
        return None


def actor_unit_path(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return get_policy().path_prefix(actor) or ""


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    username: str = "",
    obj: Any = None,
    detail: dict[str, Any] | None = None,
    unit_path: str | None = None,
) -> AuditEvent:
    """Append one security event. The actor defaults to the request's signed-in user."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        kind=kind,
        actor=actor,
        username=(username or getattr(actor, "username", "") or "")[:150],
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:USER_AGENT_MAX],
        unit_path=unit_path if unit_path is not None else actor_unit_path(actor),
        detail=detail or {},
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)[:64]
        event.object_repr = str(obj)[:200]
        event.object_path = _unit_path_of(obj, "scope_path")
    event.save()
    return event


def audit_sensitive_read(*, request: HttpRequest, obj: Any, fields: Iterable[str], reason: str) -> AuditEvent:
    """Log that the signed-in user was shown ``fields`` of ``obj`` unmasked, and why (PIPL Art. 28)."""
    if not reason:
        raise ValueError("audit_sensitive_read() needs a reason")
    return record(
        AuditKind.SENSITIVE_READ,
        request=request,
        obj=obj,
        detail={"fields": sorted(set(fields)), "reason": str(reason)[:200], "path": request.path[:200]},
    )


# --- django-auditlog ----------------------------------------------------------------------------

UnitPath = str | Callable[[Any], str | None]


def _unit_path_of(obj: Any, unit_path: UnitPath) -> str:
    try:
        if callable(unit_path):
            value = unit_path(obj)
        else:
            value = obj
            for part in unit_path.split("__"):
                value = getattr(value, part)
    except (AttributeError, ObjectDoesNotExist):
        return ""
    return str(value or "")


def register_audited(model: type, *, unit_path: UnitPath = "scope_path", exclude: Iterable[str] = (), **options: Any):
    """``auditlog.register`` plus the unit path in ``LogEntry.additional_data`` (``{"unit_path": …}``).

    ``unit_path`` is an attribute path (``"scope_path"``, ``"unit__path"``) or a function of the instance.
    """
    from auditlog.registry import auditlog

    def get_additional_data(instance: Any) -> dict[str, str]:
        return {"unit_path": _unit_path_of(instance, unit_path)}

    if "get_additional_data" not in model.__dict__:
        model.get_additional_data = get_additional_data  # type: ignore[attr-defined]
    auditlog.register(model, exclude_fields=list(exclude), **options)
    return model
