from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .registry import nav_items
from .scoping import get_policy


def shell(request):
    """Navigation filtered by the active role, for the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    policy = get_policy()
    items = [
        {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "key": item.key}
        for item in nav_items()
        if item.permission is None or policy.allows(user, item.permission)
    ]
    from .notifications.selectors import unread_count

    # lazy: one indexed COUNT, only when a template shows the badge
    unread = SimpleLazyObject(lambda: unread_count(user))
    return {"xa_nav": items, "xa_membership": getattr(request, "membership", None), "xa_unread": unread}
