"""The context of the attachments panel, shared by the template tag and the HTMX responses."""

from __future__ import annotations

from typing import Any

from django.db import models

from .selectors import attachments_of, owner_label


def panel_context(owner: models.Model, *, can_change: bool, next_url: str, error: Any = None) -> dict[str, Any]:
    label = owner_label(owner)
    return {
        "owner": owner,
        "owner_type": label,
        "panel_id": "attachments-{}-{}".format(label.replace(".", "-"), owner.pk),
        "attachments": list(attachments_of(owner)),
        "can_change": bool(can_change and label),
        "next_url": next_url,
        "error": error,
    }
