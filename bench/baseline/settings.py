"""Settings of the bare baseline project: nothing but a database and one URL."""

import os

import dj_database_url

SECRET_KEY = os.environ.get("SECRET_KEY", "baseline-only-never-served-to-anyone")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.baseline.urls"
WSGI_APPLICATION = "bench.baseline.wsgi.application"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
