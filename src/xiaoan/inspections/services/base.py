"""Helpers shared by the inspection services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput


def _actor_unit(actor: Any) -> Any:
    from xiaoan.orgs.policy import active_membership

    membership = active_membership(actor)
    if membership is None:
        raise InvalidInput(_("您没有有效的任职。 You hold no active post."))
    return membership.unit
