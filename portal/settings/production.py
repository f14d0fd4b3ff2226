"""Production: everything secret or host-specific comes from the environment; HTTPS only."""

from .base import *  # noqa: F403
from .base import REDIS_URL, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Printed in every QR code (web pages and management commands alike); `check --deploy` refuses a loopback one.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# gunicorn listens on loopback or a unix socket behind nginx on the same machine (README): only that proxy
# can connect there, so its X-Forwarded-For is believed. A proxy on another machine: TRUSTED_PROXIES=its
# address. Trusting loopback and the socket is safe even if gunicorn were reachable from outside: no outside
# client connects from them.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1", "unix"])
TWO_FACTOR_ENFORCED = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
DEMO_ACCOUNTS_SKIP_2FA = False
# seed_demo refuses, and `check --deploy` reports demo accounts. Only a benchmark on a throw-away database
# (bench/run.py) turns this on.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)

# Without Redis, the cache is a database table shared by every gunicorn worker and the task worker, so a cached
# count forgotten in one process is forgotten in all (`migrate` creates the table: portal/accounts/apps.py).
if not REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }

LOGGING["root"]["level"] = "INFO"  # noqa: F405
