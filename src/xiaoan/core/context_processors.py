from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .registry import NAV_GROUPS, nav_items
from .scoping import get_policy


def shell(request):
    """Navigation filtered by the active role, for the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    policy = get_policy()
    items = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "key": item.key, "group": item.group,
         "order": item.order}
        for item in nav_items()
        if item.permission is None or policy.allows(user, item.permission)
    ]  # fmt: skip
    from .notifications.selectors import unread_count

    # lazy: one indexed COUNT, only when a template shows the badge
    unread = SimpleLazyObject(lambda: unread_count(user))
    return {
        "xa_nav": items,
        "xa_nav_bar": nav_bar(items),
        "xa_membership": getattr(request, "membership", None),
        "xa_unread": unread,
    }


def nav_bar(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bar: entries without a group, and one entry per group (a menu of its items, or its only item)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    bar: list[dict[str, Any]] = []
    for item in items:
        if item["group"] in NAV_GROUPS:
            grouped.setdefault(item["group"], []).append(item)
        else:
            bar.append(item)
    for key, members in grouped.items():
        label, order = NAV_GROUPS[key]
        if len(members) == 1:
            bar.append({**members[0], "order": order})
        else:
            bar.append({"key": key, "label": label, "order": order, "menu": members})
    return sorted(bar, key=lambda entry: (entry["order"], entry["key"]))
