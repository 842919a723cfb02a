"""Home-page widget: training certificates expired or running out in the user's part of the tree."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from xiaoan.core.registry import Widget

from . import selectors

SHOWN = 5


def render_certificates_due(request: Any) -> str | None:
    today = timezone.localdate()
    due = selectors.certificates_due(request.user, today)
    records = list(due[: SHOWN + 1])
    if not records:
        return None
    context = {"records": records[:SHOWN], "more": len(records) > SHOWN, "today": today}
    return render_to_string("training/widgets/certificates_due.html", context, request=request)


WIDGETS = [
    Widget(
        key="training.certificates_due",
        render=render_certificates_due,
        permission="training.trainingrecord.view",
        order=45,
        shared=True,
    ),
]
