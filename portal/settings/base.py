"""Settings shared by every environment. Anything that differs between machines comes from the environment."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "captcha",
    "rules.apps.AutodiscoverRulesConfig",
    "portal.directory",
    "portal.accounts",
    "portal.audit",
    "applications",
    "review",
    "titles",
    "demo",
    "operations",
    "permissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ControlCharactersMiddleware",
    "portal.audit.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.accounts.middleware.SecondFactorStateMiddleware",  # django-otp's, with the verified state from the session
    "portal.accounts.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.audit.middleware.RefusedAccessAuditMiddleware",
    "portal.accounts.middleware.SessionLimitMiddleware",
    "portal.accounts.middleware.SecondFactorMiddleware",
    "portal.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context_processors.navigation",
                "review.context_processors.unread_notifications",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise (postgres://user@host:5432/name in production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Every permission question (who may see or do what) is a rule in permissions/rules.py, answered by
# user.has_perm(name, obj) through the rules backend; ModelBackend only authenticates (and gives the
# 系统管理员 the admin's model permissions).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "portal.accounts.backends.ModelBackend",  # Django's, loading the account with its unit in one query
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "full_name", "email"]},
    },
    {"NAME": "portal.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "portal.accounts.validators.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.accounts.validators.CharacterClassValidator"},
]

# 找回密码 links work once (the token changes with the password) and for one hour.
PASSWORD_RESET_TIMEOUT = 3600

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
# The only language: LocaleMiddleware must not switch Django's own messages to a browser's English.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# The portal's wording of Django's default messages (locale/zh_Hans): it takes precedence over every app's.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))

# Uploaded materials and generated documents live in a private directory that no URL serves:
# every download goes through a view that checks permission. Code only uses the storage API, so
# a deployment on several machines can switch the backend to S3-compatible storage (django-storages)
# through PRIVATE_STORAGE_BACKEND and its OPTIONS without touching the code.
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": env("PRIVATE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": "/nonexistent/"}
        if env("PRIVATE_STORAGE_BACKEND", default="").strip() in ("", "django.core.files.storage.FileSystemStorage")
        else env.json("PRIVATE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# No URL serves uploads. MEDIA_* only exist because Django's test live server wraps them; they point at an empty place.
MEDIA_URL = "/__no_public_media__/"
MEDIA_ROOT = VAR_DIR / "no-public-media"

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Each uploaded file's content check runs in a child process within these limits (applications/uploads.py);
# a file it cannot finish checking is refused. A real 20 MB scan is checked in well under a second.
UPLOAD_CHECK_LIMITS = {"memory_bytes": 512 * 1024 * 1024, "cpu_seconds": 5, "wall_seconds": 10}
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The cache (Django's cache framework): Redis when REDIS_URL is set (redis://host:6379/0), shared by every worker
# process; otherwise this process's memory, which needs nothing installed (`make run` is one process). The
# production settings fall back to a database table instead, shared by gunicorn's workers (README: Caching).
# What it holds: session copies, the unread-notification counts, rate-limit counters, the conditions' wording.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}

# Sessions are read from the cache and written through to the database (`cached_db`): a signed-in page reads its
# session without a query, a restarted or flushed cache logs nobody out, and ending an account's sessions can
# still find them in the database (README: Caching). portal.accounts.sessions is Django's cached_db reading the
# signed-in account in the same round trip to the cache.
SESSION_ENGINE = "portal.accounts.sessions"
# Sessions: 30 minutes idle, renewed by SessionLimitMiddleware at most once a minute (so the idle limit is
# 29 to 30 minutes after the last request); absolute limit of 12 hours enforced by the same middleware.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# django-axes: 5 failures lock the account for 15 minutes (等保). The source address is never locked (one
# county office shares one address): it gets a 图形验证码 and a rate limit instead (portal/accounts/rate_limits.py).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that without the address attackers rotate user names; the address is answered by the portal's own
# 图形验证码 and rate limit instead (a lock would shut a whole office out).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A successful login forgives that account's failures (portal/accounts/signals.py).
AXES_RESET_ON_SUCCESS = False
# The lock lasts exactly AXES_COOLOFF_TIME after the failure that caused it, so the time shown is true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.audit.services.client_address"
AXES_VERBOSE = False
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed (portal/audit/services.py:
# client_address). Empty: the connecting address is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Content-Security-Policy: no inline scripts or styles from anywhere but our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="龙头企业认定系统 <noreply@smehb.gov.cn>")

# Absolute address printed in QR codes on certificates and documents.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Typefaces of the generated PDFs, each a CSS font stack: the names GB/T 9704-2012 gives for 公文 first (used
# when the licensed fonts are installed on the server), then free Debian fonts (fonts-noto-cjk,
# fonts-arphic-gkai00mp). No free simplified 仿宋 is packaged, so the body falls back to Noto Serif CJK SC.
DOCUMENT_FONTS = {
    "title": ["方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"],
    "body": ["仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"],
    "heading": ["黑体", "SimHei", "Noto Sans CJK SC"],
    "kai": ["楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "AR PL KaitiM GB", "Noto Serif CJK SC"],
}

# Officials must change their password every 90 days.
OFFICIAL_PASSWORD_MAX_AGE_DAYS = 90
# seed_demo may run (demo/production.py); off under the production settings.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)
# Demo accounts skip the second factor only while DEBUG is on.
DEMO_ACCOUNTS_SKIP_2FA = env.bool("DEMO_ACCOUNTS_SKIP_2FA", default=False)
# Officials and administrators must pass TOTP after their password (portal/accounts/middleware.py).
# Only the test settings turn this off, for tests that log in with force_login; the security tests
# turn it back on.
TWO_FACTOR_ENFORCED = env.bool("TWO_FACTOR_ENFORCED", default=True)
OTP_TOTP_ISSUER = "河北省龙头企业认定系统"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows TOTP secrets or recovery codes
CSRF_FAILURE_VIEW = "portal.accounts.views.csrf_failure"

# 图形验证码 (django-simple-captcha): four characters, drawn with the font it ships.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_IMAGE_SIZE = (120, 40)
CAPTCHA_FONT_SIZE = 30
# The answer "PASSED" is accepted only in tests (portal/settings/test.py turns this on).
CAPTCHA_TEST_MODE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # WeasyPrint reports each step of every PDF at INFO (eight lines per document), pikepdf its start in every
    # process: neither belongs in the production log.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}
