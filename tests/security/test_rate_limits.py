"""Registration (and, through the same decorator, password reset) is rate-limited per source address."""

import pytest
from django.core.cache import cache

from portal.accounts.rate_limits import REGISTRATION
from portal.audit.models import AuditEvent, Event

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
