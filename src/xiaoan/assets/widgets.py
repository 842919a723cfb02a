"""Home-page widget: assets in scope that are due (check overdue, expired or expiring, faulty)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget

from . import selectors
from .models import SafetyAsset


def render_assets_due(request: Any) -> str | None:
    counts = selectors.due_counts(SafetyAsset.objects.for_user(request.user))
    if not counts["due"]:
        return None
    return render_to_string("assets/widgets/assets_due.html", {"counts": counts}, request=request)


WIDGETS = [
    Widget(key="assets.due", render=render_assets_due, permission="assets.safetyasset.view", order=35, shared=True)
]
