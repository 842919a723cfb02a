"""Test overrides: same settings module, faster hashing, local files in a temporary folder."""

import os
import tempfile

os.environ.setdefault("XIAOAN_TESTING", "1")
os.environ.setdefault("DEBUG", "1")
_tmp = tempfile.mkdtemp(prefix="xiaoan-test-")
os.environ.setdefault("XIAOAN_VAR_DIR", _tmp)

from .settings import *  # noqa: E402,F403
from .settings import DATABASES, Q_CLUSTER  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
XIAOAN_SMS_BACKEND = "xiaoan.core.notifications.sms.MemorySmsBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WIDGET_CACHE_SECONDS = 0  # tests see their own writes on the home page; core/tests/test_widget_cache.py turns it on
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = os.path.join(_tmp, "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_tmp, "test-db.sqlite3")}
LANGUAGE_CODE = "zh-hans"
