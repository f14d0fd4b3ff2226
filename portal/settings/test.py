"""Test settings: SQLite by default; TEST_DATABASE_URL switches the run to PostgreSQL."""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if env("TEST_DATABASE_URL", default=""):
    DATABASES = {"default": env.db("TEST_DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_portal")}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_ROOT = tempfile.mkdtemp(prefix="portal-test-private-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = True
DEMO_ACCOUNTS_SKIP_2FA = False
# Tests elsewhere log officials in with force_login; tests/security turn this on with the settings fixture.
TWO_FACTOR_ENFORCED = False
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-test-static-")
WHITENOISE_USE_FINDERS = True
# Each test process has its own cache, emptied before and after every test (tests/conftest.py), whatever REDIS_URL
# the shell has.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal-test"}}
# Renew the session on every request in tests, so a page's query count does not depend on the clock
# (tests/security/test_sessions.py sets the production interval where it tests the renewal itself).
SESSION_RENEW_SECONDS = 0
# The 图形验证码 accepts the answer "PASSED" in tests (tests/factories.py: CAPTCHA_PASS).
CAPTCHA_TEST_MODE = True
