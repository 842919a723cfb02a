"""The production-like environment the harness, the generator and the servers share."""

from __future__ import annotations

import base64
import os
import secrets
import tempfile

CLEARED = ("DEBUG", "XIAOAN_DEMO", "XIAOAN_TESTING", "REDIS_URL")


def production_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with production settings: DEBUG off, fresh keys for
    this run (the same in every process of the run, so sessions, nonces and receipt links agree)."""
    env = {key: value for key, value in (os.environ if base is None else base).items() if key not in CLEARED}
    env.setdefault("DJANGO_SETTINGS_MODULE", "xiaoan.config.settings")
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("XIAOAN_DATA_KEYS", "bench:" + base64.b64encode(secrets.token_bytes(32)).decode())
    env.setdefault("XIAOAN_HASH_KEY", secrets.token_urlsafe(32))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("LOG_LEVEL", "WARNING")
    env.setdefault("XIAOAN_VAR_DIR", tempfile.mkdtemp(prefix="xiaoan-bench-var-"))
    env.setdefault("XIAOAN_SMS_BACKEND", "xiaoan.core.notifications.sms.ConsoleSmsBackend")
    return env


def apply_production_environment() -> dict[str, str]:
    """Make this process production-like (before ``django.setup()``); returns the environment."""
    env = production_environment()
    for key in CLEARED:
        os.environ.pop(key, None)
    os.environ.update(env)
    return env
