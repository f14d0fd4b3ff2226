"""Sessions (等保 8.1.4.1): new key at login, 30 minutes idle, 12 hours absolute, ended at logout and
when the account is disabled (service, admin form and admin action)."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from portal.accounts.middleware import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY
from portal.accounts.services import user_deactivate
from portal.audit.models import AuditEvent, Event
from tests.factories import PASSWORD, county_official, enterprise_user, sysadmin

pytestmark = pytest.mark.django_db


def login(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.session.session_key


def test_login_issues_a_new_session_key(client):
    user = enterprise_user()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    after = login(client, user)
    assert before != after


def _seen_seconds_ago(client, seconds):
    session = client.session
    session[SEEN_AT_SESSION_KEY] = time.time() - seconds
    session.save()


def test_a_request_after_a_minute_renews_the_idle_deadline_of_thirty_minutes(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    settings.SESSION_RENEW_SECONDS = 60
    key = login(client, enterprise_user())
    _seen_seconds_ago(client, 61)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/enterprise/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert dt.timedelta(minutes=29) < renewed - timezone.now() <= dt.timedelta(minutes=30)


def test_requests_within_a_minute_do_not_rewrite_the_session(client, settings):
    settings.SESSION_RENEW_SECONDS = 60
    key = login(client, enterprise_user())
    _seen_seconds_ago(client, 10)
    deadline = timezone.now() + dt.timedelta(minutes=29, seconds=50)
    Session.objects.filter(session_key=key).update(expire_date=deadline)
    assert client.get("/enterprise/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == deadline


def test_idle_session_expires(client):
    key = login(client, enterprise_user())
    # 30 minutes without a request: the stored expiry has passed, and the cached copy, which expires with it, is gone.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    cache.delete(cached_db.KEY_PREFIX + key)
    response = client.get("/enterprise/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def _set_login_time(client, seconds_ago):
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = time.time() - seconds_ago
    session.save()


def test_absolute_limit_logs_out_after_twelve_hours_however_active(client, settings):
    user = enterprise_user()
    login(client, user)
    assert client.session[LOGIN_AT_SESSION_KEY] == pytest.approx(time.time(), abs=5)
    _set_login_time(client, settings.SESSION_ABSOLUTE_LIMIT_SECONDS - 60)
    assert client.get("/enterprise/").status_code == 200
    _set_login_time(client, settings.SESSION_ABSOLUTE_LIMIT_SECONDS + 1)
    response = client.get("/enterprise/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "连续登录超过12小时" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event=Event.LOGOUT, user=user, detail__contains="12小时").exists()


def test_logout_ends_the_session(client):
    key = login(client, enterprise_user())
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/enterprise/").status_code == 302


def _two_sessions(client_factory, user):
    clients = [client_factory(), client_factory()]
    for c in clients:
        login(c, user)
    return clients


def test_deactivating_ends_every_session_of_that_user_only(client):
    from django.test import Client

    user = enterprise_user()
    other = enterprise_user()
    clients = _two_sessions(Client, user)
    bystander = Client()
    login(bystander, other)
    ended = user_deactivate(user=user, actor=None)
    assert ended == 2
    for c in clients:
        assert not Session.objects.filter(session_key=c.session.session_key).exists()
        assert c.get("/enterprise/").status_code == 302
    assert bystander.get("/enterprise/").status_code == 200
    assert AuditEvent.objects.filter(event=Event.ADMIN_CHANGE, object_id=str(user.pk), detail__contains="停用").exists()


def test_admin_form_deactivation_ends_sessions(client):
    from django.test import Client

    official = county_official()
    victim_client = Client()
    login(victim_client, official)
    client.force_login(sysadmin())
    data = {
        "username": official.username, "full_name": official.full_name, "email": official.email, "phone": "",
        "role": official.role, "unit": official.unit_id, "enterprise": "", "is_staff": "",
        # is_active left out: unticked
    }
    response = client.post(f"/admin/accounts/user/{official.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    official.refresh_from_db()
    assert not official.is_active
    assert victim_client.get("/review/county/").status_code == 302
    assert AuditEvent.objects.filter(event=Event.ADMIN_CHANGE, object_id=str(official.pk)).exists()


def test_admin_action_deactivation_ends_sessions(client):
    from django.test import Client

    official = county_official()
    victim_client = Client()
    login(victim_client, official)
    client.force_login(sysadmin())
    response = client.post(
        "/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": [official.pk]}
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert not official.is_active
    assert victim_client.get("/review/county/").status_code == 302


def test_accounts_cannot_be_deleted_in_the_admin(client):
    official = county_official()
    client.force_login(sysadmin())
    assert client.get(f"/admin/accounts/user/{official.pk}/delete/").status_code == 403
