"""Registration and password reset are rate-limited per source address, through the same decorator."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.accounts.rate_limits import PASSWORD_RESET, REGISTRATION
from portal.audit.models import AuditEvent, Event
from tests.factories import enterprise_user

pytestmark = pytest.mark.django_db

URL = "/enterprise/register/"


def test_registration_is_limited_per_address(client):
    for _ in range(REGISTRATION.limit):
        assert client.post(URL, {"name": "试探"}, REMOTE_ADDR="10.0.8.1").status_code == 200
    refused = client.post(URL, {"name": "试探"}, REMOTE_ADDR="10.0.8.1")
    assert refused.status_code == 429
    assert "操作过于频繁" in refused.content.decode() and "注册" in refused.content.decode()
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, ip_address="10.0.8.1", success=False).exists()
    assert client.get(URL, REMOTE_ADDR="10.0.8.1").status_code == 200  # reading the form is not counted
    assert client.post(URL, {"name": "试探"}, REMOTE_ADDR="10.0.8.2").status_code == 200
    cache.clear()  # the window ends
    assert client.post(URL, {"name": "试探"}, REMOTE_ADDR="10.0.8.1").status_code == 200


def test_registration_limit_ignores_a_spoofed_forwarded_for(client):
    for n in range(REGISTRATION.limit):
        client.post(URL, {}, REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.post(URL, {}, REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_password_reset_is_limited_per_address_whatever_is_asked(client):
    enterprise_user(email="zhaoli@example.cn")
    url = reverse("accounts:password_reset")

    def ask(email, address="10.0.9.1"):
        return client.post(url, {"email": email, "captcha_0": "any", "captcha_1": "PASSED"}, REMOTE_ADDR=address)

    for n in range(PASSWORD_RESET.limit):
        assert ask(f"nobody{n}@example.cn").status_code == 302  # the same "请查收邮件" page for every address
    known, unknown = ask("zhaoli@example.cn"), ask("nobody@example.cn")
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content and "找回密码" in known.content.decode()
    assert mail.outbox == []
    assert AuditEvent.objects.filter(event=Event.ACCESS_DENIED, ip_address="10.0.9.1", success=False).count() == 2
    assert ask("zhaoli@example.cn", address="10.0.9.2").status_code == 302
    assert len(mail.outbox) == 1
