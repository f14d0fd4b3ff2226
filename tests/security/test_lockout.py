"""Lockout (等保 8.1.4.1): 5 failures lock the account for 15 minutes, with a Chinese message giving the
real time the lock lifts. The source address is never locked (a county office shares one): after 3 failures
it must solve a 图形验证码, and past 30 attempts in 15 minutes it is answered 429. Time is moved by ageing axes'
attempt records and clearing the rate-limit cache, never by sleeping."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateformat import format as date_format

from portal.audit.models import AuditEvent, Event
from tests.factories import PASSWORD, enterprise_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


WRONG = "wrong-Password#1"


CAPTCHA_PASSED = {"captcha_0": "any", "captcha_1": "PASSED"}  # CAPTCHA_TEST_MODE in the test settings


def attempt(client, username, password=WRONG, ip="10.0.0.1", captcha=True, **extra):
    data = {"username": username, "password": password, **(CAPTCHA_PASSED if captcha else {})}
    return client.post(LOGIN, data, REMOTE_ADDR=ip, **extra)


def age_attempts(minutes, seconds=0):
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - dt.timedelta(minutes=minutes, seconds=seconds)
        )


def test_fifth_failure_locks_the_account_with_the_real_retry_time(client):
    enterprise_user(username="ent-a")
    for _ in range(4):
        response = attempt(client, "ent-a")
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    response = attempt(client, "ent-a")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "锁定15分钟" in page
    last = AccessAttempt.objects.get(username="ent-a").attempt_time
    expected = timezone.localtime(last + dt.timedelta(minutes=15))
    assert date_format(expected, "Y年n月j日 H:i:s") in page
    # Even the right password is refused while locked, and the time shown does not move.
    again = attempt(client, "ent-a", PASSWORD)
    assert again.status_code == 429
    assert date_format(expected, "Y年n月j日 H:i:s") in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_account_lock_holds_from_any_address(client):
    enterprise_user(username="ent-b")
    for n in range(5):
        attempt(client, "ent-b", ip=f"10.0.1.{n + 1}")
    assert attempt(client, "ent-b", PASSWORD, ip="10.0.1.99").status_code == 429
    # That address itself is not locked: another account logs in from it.
    enterprise_user(username="ent-c")
    assert attempt(client, "ent-c", PASSWORD, ip="10.0.1.99").status_code == 302


def test_failures_from_one_address_never_lock_it_out(client):
    """Five officials behind one office's NAT each mistype once: nobody is locked; the sixth logs in."""
    for n in range(5):
        assert attempt(client, f"colleague-{n}", ip="10.0.2.1").status_code == 200
    enterprise_user(username="ent-d")
    assert attempt(client, "ent-d", PASSWORD, ip="10.0.2.1").status_code == 302


def test_captcha_is_asked_from_an_address_after_three_failures(client):
    enterprise_user(username="ent-cap")
    for _ in range(2):
        page = attempt(client, "someone", ip="10.0.6.1", captcha=False).content.decode()
        assert "图形验证码" not in page
    third = attempt(client, "someone", ip="10.0.6.1", captcha=False).content.decode()
    assert "图形验证码" in third and 'name="captcha_1"' in third
    assert "图形验证码" in client.get(LOGIN, REMOTE_ADDR="10.0.6.1").content.decode()
    # Without it even the right password is not tried, and no failure counts against the account.
    refused = attempt(client, "ent-cap", PASSWORD, ip="10.0.6.1", captcha=False)
    assert refused.status_code == 200 and "请输入图形验证码" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.filter(username="ent-cap").exists()
    # Another address is not asked; with the answer, this one logs in.
    assert "图形验证码" not in client.get(LOGIN, REMOTE_ADDR="10.0.6.2").content.decode()
    assert attempt(client, "ent-cap", PASSWORD, ip="10.0.6.1").status_code == 302


def test_address_is_rate_limited_after_thirty_attempts(client):
    enterprise_user(username="ent-rl")
    for n in range(30):
        assert attempt(client, f"guess-{n}", ip="10.0.7.1").status_code == 200
    refused = attempt(client, "ent-rl", PASSWORD, ip="10.0.7.1")
    assert refused.status_code == 429
    assert "操作过于频繁" in refused.content.decode() and "15分钟" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event=Event.LOGIN_FAILED, detail__contains="过于频繁").exists()
    # Other addresses are unaffected; the window ending lifts the limit.
    assert attempt(client, "ent-rl", PASSWORD, ip="10.0.7.2").status_code == 302
    client.post("/accounts/logout/")
    cache.clear()
    assert attempt(client, "ent-rl", PASSWORD, ip="10.0.7.1").status_code == 302


def test_spoofed_forwarded_for_changes_neither_address_nor_rate_limit(client, settings):
    settings.TRUSTED_PROXIES = ["192.0.2.0/24"]  # a proxy exists, but this client is not it
    for n in range(30):
        attempt(client, "nobody", ip="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert set(AuditEvent.objects.filter(event=Event.LOGIN_FAILED).values_list("ip_address", flat=True)) == {
        "203.0.113.7"
    }
    assert attempt(client, "nobody", ip="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.250").status_code == 429


def test_lock_lifts_after_fifteen_minutes(client):
    enterprise_user(username="ent-e")
    for _ in range(5):
        attempt(client, "ent-e")
    age_attempts(14, 50)
    assert attempt(client, "ent-e", PASSWORD).status_code == 429
    age_attempts(0, 11)
    response = attempt(client, "ent-e", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_logging_into_own_account_does_not_reset_the_address_count(client):
    enterprise_user(username="victim")
    enterprise_user(username="attacker")
    for _ in range(3):
        attempt(client, "victim", ip="10.0.3.1")
    assert attempt(client, "attacker", PASSWORD, ip="10.0.3.1").status_code == 302
    client.post("/accounts/logout/")
    assert "图形验证码" in attempt(client, "victim", ip="10.0.3.1", captcha=False).content.decode()


def test_success_forgives_the_accounts_own_failures(client):
    enterprise_user(username="typo")
    for _ in range(4):
        attempt(client, "typo", ip="10.0.4.1")
    assert attempt(client, "typo", PASSWORD, ip="10.0.4.2").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert attempt(client, "typo", ip="10.0.4.3").status_code == 200


def test_lockout_and_failures_are_audited_without_the_password(client):
    enterprise_user(username="ent-f")
    for _ in range(5):
        attempt(client, "ent-f", password="S3cret-typed#pw", ip="10.0.5.1")
    failures = AuditEvent.objects.filter(event=Event.LOGIN_FAILED, username="ent-f")
    assert failures.count() == 5
    lockout = AuditEvent.objects.get(event=Event.LOCKOUT, username="ent-f")
    assert lockout.ip_address == "10.0.5.1"
    assert not lockout.success
    for row in AuditEvent.objects.all():
        assert "S3cret-typed#pw" not in " ".join(
            [row.username, row.detail, row.object_repr, row.object_id, row.object_type]
        )
