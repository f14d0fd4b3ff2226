"""Production configuration (等保 8.1.4.4 / ASVS V3, V14): check --deploy is clean, security headers are
sent, error pages are Chinese and never show a stack trace."""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import PASSWORD, enterprise_user

ROOT = Path(django_settings.BASE_DIR)


def production_env(**extra):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECURE_", "TEST_DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="x",
        **{"PUBLIC_BASE_URL": "https://portal.example.gov.cn", **extra},
    )
    return env


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}"),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The one silenced check is axes.W006 (no lock by address: portal/settings/base.py says why).
    assert "System check identified no issues (1 silenced)." in result.stdout
    assert django_settings.SILENCED_SYSTEM_CHECKS == ["axes.W006"]


def test_production_settings_are_strict():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
        "'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'DEMO_ACCOUNTS_SKIP_2FA', "
        "'TWO_FACTOR_ENFORCED', 'SESSION_COOKIE_AGE', 'SESSION_ABSOLUTE_LIMIT_SECONDS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "DEMO_ACCOUNTS_SKIP_2FA": False,
        "TWO_FACTOR_ENFORCED": True,
        "SESSION_COOKIE_AGE": 1800,
        "SESSION_ABSOLUTE_LIMIT_SECONDS": 43200,
    }


@pytest.mark.django_db
def test_security_headers_on_every_page(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = enterprise_user()
    client.get("/accounts/login/", secure=True)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, secure=True)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status", "words"), [("/no-such-page/", 404, "页面不存在"), ("/_test/boom/", 500, "系统暂时出现错误")])
def test_error_pages_are_chinese_without_stack_traces(client, settings, path, status, words):
    settings.ROOT_URLCONF = "tests.security.urls"
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == status
    page = response.content.decode()
    assert words in page
    assert "Traceback" not in page and "secret stack trace" not in page and "RuntimeError" not in page


@pytest.mark.django_db
def test_forbidden_and_csrf_failure_pages_are_chinese(client):
    client.force_login(enterprise_user())
    assert "无权访问" in client.get("/review/county/").content.decode()
    strict = type(client)(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_400_page_exists_in_chinese():
    from django.template.loader import render_to_string

    assert "请求无效" in render_to_string("400.html")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.IGNORECASE)


def test_no_template_needs_inline_script_or_style():
    """The Content-Security-Policy forbids inline code: a template with any would break in the browser."""
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for name, pattern in (("script", INLINE_SCRIPT), ("handler", INLINE_HANDLER), ("style", INLINE_STYLE)):
            if pattern.search(text):
                offenders.append(f"{template.relative_to(ROOT)}: inline {name}")
    assert offenders == []


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]/"])
def test_check_deploy_refuses_a_missing_or_loopback_public_address(url):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=production_env(PUBLIC_BASE_URL=url), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "documents.E001" in result.stderr + result.stdout
