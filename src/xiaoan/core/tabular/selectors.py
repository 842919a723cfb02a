"""Reads of the import framework."""

from __future__ import annotations

from typing import Any

from xiaoan.core.scoping import get_policy

from .models import ImportJob
from .spec import ImportSpec, all_specs


def recent_jobs(user: Any, *, limit: int = 50) -> list[ImportJob]:
    return list(ImportJob.objects.for_user(user, "view").select_related("unit", "actor")[:limit])


def specs_for(user: Any) -> list[type[ImportSpec]]:
    """The imports the user's active role may start."""
    policy = get_policy()
    return [spec for spec in all_specs() if policy.allows(user, spec.permission)]
