"""Idle logout: a session unused for longer than the configured timeout is ended."""

import time

from django.conf import settings
from django.contrib.auth import logout

IDLE_KEY = "xa_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(IDLE_KEY)
            if last_seen is not None and now - int(last_seen) > settings.XIAOAN_IDLE_TIMEOUT_SECONDS:
                logout(request)
                request.session["xa_idle_logged_out"] = True
            else:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Placeholder removed: see accounts.second_factor (wired in by the accounts work)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
