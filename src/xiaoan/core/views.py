"""Shell views: the home page (widgets registered by the apps) and the health check."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from .dbrouter import use_replica
from .regioncache import region_cached
from .registry import widgets
from .scoping import get_policy


@login_required
@use_replica()
def home(request):
    policy = get_policy()
    membership = getattr(request, "membership", None)
    kind = membership.unit.kind if membership else None
    rendered = []
    for widget in widgets():
        if widget.kinds and kind not in widget.kinds:
            continue
        if widget.permission and not policy.allows(request.user, widget.permission):
            continue
        html = render_widget(widget, request, membership)
        if html:
            rendered.append(html)
    minutes = max(1, round(settings.WIDGET_CACHE_SECONDS / 60)) if settings.WIDGET_CACHE_SECONDS else 0
    return render(request, "core/home.html", {"widgets": rendered, "region_cache_minutes": minutes})


def render_widget(widget: Any, request: Any, membership: Any) -> str | None:
    """A shared widget's HTML comes from the region cache (unit, role, language): a city's aggregates over a
    million hazards are computed once a minute, not on every officer's home page."""
    if not widget.shared:
        return widget.render(request)
    return region_cached(f"widget:{widget.key}", request, get_language(), lambda: widget.render(request) or "") or None


@never_cache
def healthz(request):
    """200 when the database and the task queue answer, 503 otherwise (for the load balancer)."""
    checks = {"database": False, "queue": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            checks["database"] = cursor.fetchone() == (1,)
    except Exception:
        checks["database"] = False
    try:
        from django_q.brokers import get_broker

        checks["queue"] = bool(get_broker().ping())
    except Exception:
        checks["queue"] = False
    healthy = all(checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
