"""Which sessions belong to a user, so deactivation can end them at once.

Sessions are recorded at sign-in (``user_logged_in``); the table is small and pruned with the sessions.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


def session_keys_for(user) -> list[str]:
    from .models import UserSession

    return list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    from .models import UserSession

    if request is not None and hasattr(request, "session"):
        if not request.session.session_key:
            request.session.save()
        UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)
