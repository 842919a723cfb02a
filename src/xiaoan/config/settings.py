"""Settings for every environment, driven by environment variables (see docs/operations.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/xiaoan
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("XIAOAN_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Demo mode: the embedded set-up of `make demo`; enables demo passwords and relaxed HTTPS settings.
DEMO_MODE = env_bool("XIAOAN_DEMO", False)
PRODUCTION = not (DEBUG or DEMO_MODE)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION and not env_bool("XIAOAN_TESTING"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set in production / 生产环境必须设置 SECRET_KEY")
    SECRET_KEY = "insecure-development-key-not-for-production-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "auditlog",
    "xiaoan.core",
    "xiaoan.core.audit",
    "xiaoan.core.workflow",
    "xiaoan.core.attachments",
    "xiaoan.core.notifications",
    "xiaoan.core.tabular",
    "xiaoan.core.rules",
    "xiaoan.orgs",
    "xiaoan.accounts",
    "xiaoan.compliance",
    # domain modules
    "xiaoan.risks",
    "xiaoan.hazards",
    "xiaoan.assets",
    "xiaoan.inspections",
    "xiaoan.drills",
    "xiaoan.education",
    "xiaoan.training",
    "xiaoan.students",
    "xiaoan.families",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xiaoan.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xiaoan.core.middleware.PublicEndpointMiddleware",  # public endpoints skip everything below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xiaoan.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xiaoan.accounts.middleware.IdleTimeoutMiddleware",
    "xiaoan.accounts.middleware.SecondFactorMiddleware",
    "xiaoan.accounts.middleware.PasswordChangeMiddleware",
    "xiaoan.orgs.middleware.ActiveMembershipMiddleware",
    "xiaoan.core.scoping.ScopeGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "xiaoan.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "xiaoan.config.urls"
WSGI_APPLICATION = "xiaoan.config.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xiaoan.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode; production: PostgreSQL via DATABASE_URL, optionally with a streaming read
# replica for dashboards and exports (DATABASE_REPLICA_URL, see xiaoan.core.dbrouter) and a transaction-mode
# connection pooler in front (DATABASE_POOLER). docs/operations.md §3 and docs/scaling.md.
SQLITE_PATH = Path(os.environ.get("XIAOAN_SQLITE_PATH", VAR_DIR / "xiaoan.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
POOLERS = {"", "pgbouncer"}
REPLICA_CONNECT_TIMEOUT_SECONDS = 5  # an unreachable replica is skipped quickly (xiaoan.core.dbrouter)


def database_settings(primary_url: str, replica_url: str, pooler: str, sqlite_path: Path) -> dict:
    """DATABASES for the environment. A replica is added only beside a PostgreSQL primary: it is ignored on SQLite,
    which has no streaming replication (and whose child processes in the tests drop only DATABASE_URL)."""
    from django.core.exceptions import ImproperlyConfigured

    if pooler.strip().lower() not in POOLERS:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER must be empty or 'pgbouncer', not {pooler!r} / DATABASE_POOLER 只能为空或 pgbouncer"
        )
    if not primary_url:
        return {"default": sqlite_database(sqlite_path)}
    databases = {"default": parse_database_url("DATABASE_URL", primary_url)}
    if replica_url and is_postgres(databases["default"]):
        replica = parse_database_url("DATABASE_REPLICA_URL", replica_url)
        if not is_postgres(replica):
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URL must be a postgres:// URL / DATABASE_REPLICA_URL 必须是 PostgreSQL 地址"
            )
        replica["OPTIONS"].setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT_SECONDS)
        # under test the replica streams the primary's test database: same name, no database of its own
        replica["TEST"] = {"MIRROR": "default"}
        databases["replica"] = replica
    if pooler.strip():
        # a named cursor outlives the statement that opened it; a transaction-mode pooler may hand the next
        # statement to another server connection, where the cursor does not exist
        for database in databases.values():
            if is_postgres(database):
                database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return databases


def parse_database_url(variable: str, url: str) -> dict:
    from django.core.exceptions import ImproperlyConfigured

    try:
        database = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{variable} is not a database URL ({exc}) / {variable} 不是有效的数据库地址"
        ) from exc
    database.setdefault("OPTIONS", {})
    return database


def is_postgres(database: dict) -> bool:
    return str(database.get("ENGINE", "")).startswith("django.db.backends.postgresql")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;"
            ),
        },
    }


DATABASES = database_settings(DATABASE_URL, DATABASE_REPLICA_URL, DATABASE_POOLER, SQLITE_PATH)
DATABASE_ROUTERS = ["xiaoan.core.dbrouter.ReplicaRouter"] if "replica" in DATABASES else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xiaoan_cache"}}
# home-page widgets marked shared (a region's aggregates) are reused for this long per unit, role and language
WIDGET_CACHE_SECONDS = int(os.environ.get("XIAOAN_WIDGET_CACHE_SECONDS", "60"))
# public-endpoint abuse counters (xiaoan.core.ratelimit): shared in Redis, else approximate per process
COUNTERS_LOCAL: dict = {"BACKEND": "xiaoan.core.ratelimit.ProcessCounters", "OPTIONS": {"MAX_ENTRIES": 10**5}}
CACHES["counters"] = {**CACHES["default"]} if REDIS_URL else COUNTERS_LOCAL

Q_CLUSTER: dict = {
    "name": "xiaoan",
    "workers": int(os.environ.get("XIAOAN_WORKERS", "2")),
    "timeout": 1800,
    "retry": 3600,
    "max_attempts": 1,
    "catch_up": False,
    "label": "Django Q2",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# --- Security -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "xiaoan.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "xiaoan.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
XIAOAN_IDLE_TIMEOUT_SECONDS = int(os.environ.get("XIAOAN_IDLE_TIMEOUT_SECONDS", 30 * 60))
XIAOAN_LOCKOUT_ATTEMPTS = 5
XIAOAN_LOCKOUT_SECONDS = 15 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("XIAOAN_STATIC_ROOT", VAR_DIR / "static"))
# Only the front-end files the pages use, copied from node_modules by `make install` (scripts/vendor_static.py).
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", PROJECT_DIR / "build" / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("XIAOAN_MEDIA_ROOT", VAR_DIR / "media"))
# Media is never served directly: attachments go through an access-checked view.
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XIAOAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("XIAOAN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
XIAOAN_IMAGE_MAX_PIXELS = int(os.environ.get("XIAOAN_IMAGE_MAX_PIXELS", 40_000_000))

# Public address of the site, for absolute links in email and SMS (e.g. https://xiaoan.example.cn).
XIAOAN_BASE_URL = os.environ.get("XIAOAN_BASE_URL", "").rstrip("/")
# Number of reverse proxies in front of the app whose X-Forwarded-For may be trusted (0: none).
XIAOAN_TRUSTED_PROXIES = int(os.environ.get("XIAOAN_TRUSTED_PROXIES", "0"))

# --- Mail and SMS -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xiaoan@localhost")
XIAOAN_SMS_BACKEND = os.environ.get("XIAOAN_SMS_BACKEND", "xiaoan.core.notifications.sms.ConsoleSmsBackend")
XIAOAN_SMS_URL = os.environ.get("XIAOAN_SMS_URL", "")
XIAOAN_SMS_API_KEY = os.environ.get("XIAOAN_SMS_API_KEY", "")
XIAOAN_SMS_SIGN = os.environ.get("XIAOAN_SMS_SIGN", "校安")

# --- Files --------------------------------------------------------------------------------------
# error workbooks of imports repeat the wrong rows (ID and mobile numbers): deleted this long after the job ended
XIAOAN_IMPORT_FILE_RETENTION_DAYS = max(1, int(os.environ.get("XIAOAN_IMPORT_FILE_RETENTION_DAYS", 7)))

# --- Audit --------------------------------------------------------------------------------------
XIAOAN_AUDIT_MIN_RETENTION_DAYS = 183  # 网络安全法 Art. 21: at least six months; never lower
XIAOAN_AUDIT_RETENTION_DAYS = max(
    XIAOAN_AUDIT_MIN_RETENTION_DAYS, int(os.environ.get("XIAOAN_AUDIT_RETENTION_DAYS", 365))
)
AUDITLOG_INCLUDE_ALL_MODELS = False
# auditlog re-reads the old row for its diff; the plain base manager keeps that read out of the scope guard
AUDITLOG_USE_BASE_MANAGER = True

# --- Fonts for PDF ------------------------------------------------------------------------------
XIAOAN_PDF_FONT = os.environ.get("XIAOAN_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
