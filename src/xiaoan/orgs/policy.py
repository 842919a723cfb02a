"""The scope policy registered with core: a user acts through one active membership at a time."""

from __future__ import annotations

from typing import Any

from .permissions import rule_for

_UNSET = object()


def active_membership(user: Any):
    """The membership the user currently acts as (validated: active, own, unit active), cached per request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_xa_membership", _UNSET)
    if cached is not _UNSET:
        return cached
    from .models import Membership

    own = Membership.objects.of_owner(user).select_related("unit")
    membership = None
    if user.active_membership_id:
        membership = own.filter(pk=user.active_membership_id).first()
    if membership is None:
        membership = own.order_by("unit__depth", "pk").first()
    user._xa_membership = membership
    return membership


def set_acting_membership(user: Any, membership: Any) -> None:
    """Bind the user object to one membership for this request (API tokens carry their own)."""
    user._xa_membership = membership


class MembershipPolicy:
    def path_prefix(self, user: Any) -> str | None:
        membership = active_membership(user)
        return membership.unit.path if membership else None

    def allows(self, user: Any, permission: str, *, path: str | None = None) -> bool:
        membership = active_membership(user)
        if membership is None:
            return False
        rule = rule_for(permission)
        if rule is None:
            return False  # undeclared permissions are denied, never silently allowed
        if path is not None and not path.startswith(membership.unit.path):
            return False
        return membership.role in rule.roles and membership.unit.kind in rule.kinds

    def capacity(self, user: Any) -> int | None:
        membership = active_membership(user)
        return membership.pk if membership else None

    def act_in(self, user: Any, capacity: int | None) -> None:
        """The recorded membership if it is still the user's and active; otherwise no scope at all."""
        from .models import Membership

        own = Membership.objects.of_owner(user).select_related("unit")
        set_acting_membership(user, own.filter(pk=capacity).first() if capacity else None)
