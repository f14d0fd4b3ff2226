"""What being signed in costs every page: the session from the cache, the account with its unit in one query, the
second factor's state from the session, the unread count from the cache (kept right when notifications change)."""

import json
import pickle
import subprocess
import sys

import pytest
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import State
from portal.accounts import sessions
from portal.accounts.backends import account_cache_key
from portal.accounts.models import Role
from portal.accounts.services import user_deactivate
from review.models import Notification
from review.notifications import send_notices
from review.services import notifications_mark_read
from tests.factories import county_official, enterprise_user, sysadmin
from tests.review.journey import application_in
from tests.security.conftest import verified_login
from tests.security.test_deploy import ROOT, production_env

pytestmark = pytest.mark.django_db

BADGE = 'title="未读通知">'


@pytest.fixture
def production_sessions(settings):
    """The second factor enforced and the session renewed once a minute, as in production."""
    settings.TWO_FACTOR_ENFORCED = True
    settings.SESSION_RENEW_SECONDS = 60
    return settings


def sql_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return [q["sql"] for q in captured.captured_queries], response


def test_a_signed_in_empty_page_costs_no_query_more_than_an_anonymous_one(client, production_sessions):
    anonymous, _ = sql_of(Client(), reverse("health"))
    verified_login(client, county_official("131125"))
    client.get(reverse("health"))  # the first request after the login fills the caches
    signed_in, _ = sql_of(client, reverse("health"))
    assert signed_in == anonymous and len(anonymous) == 1  # the page's own query only


def cache_reads(monkeypatch):
    """The keys of every read from the cache, one list per round trip (the local-memory cache's get_many calls its
    get per key: those count as the one read they are)."""
    reads, inside = [], []
    shared = caches["default"]

    def counted(method, keys_of):
        def read(argument, *args, **kwargs):
            if not inside:
                reads.append(keys_of(argument))
            inside.append(method)
            try:
                return method(argument, *args, **kwargs)
            finally:
                inside.pop()
        return read

    monkeypatch.setattr(shared, "get", counted(shared.get, lambda key: [key]))
    monkeypatch.setattr(shared, "get_many", counted(shared.get_many, list))
    return reads


def test_a_signed_in_request_reads_its_session_and_account_in_one_round_trip(client, monkeypatch):
    official = county_official("131125")
    client.force_login(official)
    client.get(reverse("health"))  # this process now knows whose the session is
    session_key = cached_db.KEY_PREFIX + client.session.session_key
    reads = cache_reads(monkeypatch)
    client.get(reverse("health"))
    assert [keys for keys in reads if session_key in keys or account_cache_key(official.pk) in keys] == [
        [session_key, account_cache_key(official.pk)]
    ]


def test_the_account_read_with_a_session_is_used_only_if_the_session_is_its_own(client):
    official, other = county_official("131125"), county_official("130534")
    client.force_login(official)
    Client().force_login(other)
    client.get(reverse("health"))
    Client().get(reverse("health"))
    sessions._owners[client.session.session_key] = str(other.pk)  # whatever this process believed
    cache.set(account_cache_key(other.pk), cache.get(account_cache_key(other.pk)) or other)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == official.pk and official.unit.name in response.content.decode()


def test_a_signed_in_page_reads_no_session_account_device_unit_or_unread_count_from_the_database(client, production_sessions):
    official = county_official("131125")
    verified_login(client, official)
    url = reverse("accounts:password_change")
    client.get(url)
    sql, response = sql_of(client, url)
    assert official.unit.name in response.content.decode()  # the navigation shows the unit
    assert sql == []


def test_a_device_reset_in_the_admin_ends_its_owners_sessions(client, production_sessions):
    official = county_official("131125")
    device = verified_login(client, official)
    assert client.get(reverse("review:county_home")).status_code == 200
    admin = Client()
    verified_login(admin, sysadmin())
    assert admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}).status_code == 302
    response = client.get(reverse("review:county_home"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_unverified_session_is_still_sent_to_the_second_factor(client, production_sessions):
    official = county_official("131125")
    client.force_login(official)
    response = client.get(reverse("review:county_home"))
    assert response.status_code == 302 and "/accounts/two-factor/" in response.url


def test_ending_an_accounts_sessions_removes_their_cached_copies(client):
    user = enterprise_user()
    client.force_login(user)
    key = client.session.session_key
    assert cache.get(cached_db.KEY_PREFIX + key) is not None
    assert user_deactivate(user=user, actor=None) == 1
    assert cache.get(cached_db.KEY_PREFIX + key) is None


# The account cache: no password hash in it, and every change to the account or its unit seen at the next request -


def test_the_cached_account_holds_no_password_hash(client):
    official = county_official("131125")
    client.force_login(official)
    client.get(reverse("health"))
    cached = cache.get(account_cache_key(official.pk))
    assert cached.pk == official.pk and cached.unit.name == official.unit.name
    assert "password" not in cached.__dict__ and "password" in cached.get_deferred_fields()
    assert official.password.encode() not in pickle.dumps(cached)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda u: setattr(u, "is_active", False), id="disabled in the admin"),
        pytest.param(lambda u: u.set_password("另一个密码#2025ab"), id="password changed elsewhere"),
    ],
)
def test_a_change_to_the_account_ends_a_session_at_its_next_request(client, change):
    official = county_official("131125")
    client.force_login(official)
    assert client.get(reverse("review:county_home")).status_code == 200  # the account is now in the cache
    change(official)
    official.save()
    response = client.get(reverse("review:county_home"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_new_role_and_a_renamed_unit_are_seen_at_the_next_request(client):
    official = county_official("131125")
    client.force_login(official)
    assert client.get(reverse("review:county_home")).status_code == 200
    unit = official.unit
    unit.office_name = "枣强县工业和信息化局（新）"
    unit.name = "枣强县（改）"
    unit.save()
    assert "枣强县（改）" in client.get(reverse("accounts:password_change")).content.decode()
    official.role = Role.AUDITOR
    official.unit = None
    official.save()
    assert client.get(reverse("review:county_home")).status_code == 403


def test_the_password_is_checked_and_changed_with_the_account_from_the_cache(client):
    user = enterprise_user()
    user.set_password("旧的密码#2024abc")
    user.save()
    client.force_login(user)
    client.get(reverse("health"))
    assert "password" not in cache.get(account_cache_key(user.pk)).__dict__
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "错误的密码#2024", "new_password1": "新的密码#2025xyz", "new_password2": "新的密码#2025xyz"},
    )
    assert response.status_code == 200 and "旧密码" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "旧的密码#2024abc", "new_password1": "新的密码#2025xyz", "new_password2": "新的密码#2025xyz"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("新的密码#2025xyz")
    assert client.get(reverse("applications:home")).status_code == 200  # this session stays signed in


def badge(client):
    page = client.get(reverse("accounts:password_change")).content.decode()
    if BADGE not in page:
        return 0
    return int(page.split(BADGE, 1)[1].split("<", 1)[0])


def test_the_unread_count_follows_new_notices_and_reading(client):
    official = county_official("131125")
    client.force_login(official)
    assert badge(client) == 0
    application = application_in(State.COUNTY_REVIEW)
    send_notices([(official, application)], "「测试企业」已提交申报")
    assert badge(client) == 1
    send_notices([(official, application), (official, application)], "「测试企业」已提交申报")
    assert badge(client) == 3
    notifications_mark_read(user=official, ids=[Notification.objects.filter(recipient=official).first().pk])
    assert badge(client) == 2
    client.get(reverse("review:notifications"))  # the page marks the shown ones read
    assert badge(client) == 0


def test_reading_all_clears_the_count_and_others_keep_theirs(client):
    official, other = county_official("131125"), county_official("130534")
    application = application_in(State.COUNTY_REVIEW)
    send_notices([(official, application), (other, application)], "「测试企业」已提交申报")
    client.force_login(official)
    other_client = Client()
    other_client.force_login(other)
    assert badge(client) == 1 and badge(other_client) == 1
    assert client.post(reverse("review:notifications_read_all")).status_code == 302
    assert badge(client) == 0 and badge(other_client) == 1


def test_the_count_is_read_from_the_cache_once_counted(client):
    official = county_official("131125")
    send_notices([(official, application_in(State.COUNTY_REVIEW))], "「测试企业」已提交申报")
    client.force_login(official)
    url = reverse("accounts:password_change")
    first, _ = sql_of(client, url)
    second, _ = sql_of(client, url)
    assert [q for q in first if "review_notification" in q]
    assert not [q for q in second if "review_notification" in q]


def _cache_backend(**env):
    script = "import django; django.setup(); from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=production_env(**env), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_cache_is_redis_when_configured_and_shared_by_the_database_otherwise():
    assert _cache_backend(REDIS_URL="redis://127.0.0.1:6379/0") == "django.core.cache.backends.redis.RedisCache"
    assert _cache_backend(REDIS_URL="") == "django.core.cache.backends.db.DatabaseCache"
    development = {**production_env(), "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "REDIS_URL": ""}
    script = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps([s.CACHES['default']['BACKEND'], s.SESSION_ENGINE]))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=development, capture_output=True, text=True, timeout=60)
    assert json.loads(result.stdout) == [
        "django.core.cache.backends.locmem.LocMemCache", "portal.accounts.sessions"
    ]


# Pages read what they show once ----------------------------------------------------------------------------------


def test_the_application_page_asks_the_jurisdiction_once(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(county_official("131125"))
    url = reverse("review:application_detail", args=[application.pk])
    client.get(url)
    sql, response = sql_of(client, url)
    assert application.enterprise.name in response.content.decode()
    # The page's own read goes through the jurisdiction filter; the permission checks reuse it.
    assert not [q for q in sql if q.startswith('SELECT 1 AS "a" FROM "applications_application"')], sql


def test_the_enterprise_home_reads_the_enterprise_with_its_county_and_cluster_once(client):
    application = application_in(State.DRAFT)
    user = application.enterprise.users.first()
    client.force_login(user)
    url = reverse("applications:home")
    client.get(url)
    sql, response = sql_of(client, url)
    page = response.content.decode()
    enterprise = application.enterprise
    assert enterprise.name in page and enterprise.county.name in page
    assert len([q for q in sql if q.startswith('SELECT "applications_enterprise"')]) == 1, sql
    assert not [q for q in sql if q.startswith(('SELECT "directory_division"', 'SELECT "directory_cluster"'))], sql
    assert not [q for q in sql if q.startswith('SELECT 1 AS "a" FROM "applications_application"')], sql
    listing = next(q for q in sql if q.startswith('SELECT "applications_application"'))
    assert '"report_basic"' not in listing  # the list of applications never loads the report texts


def test_production_templates_use_the_cached_loader():
    script = (
        "import django, json; django.setup(); from django.template import engines; "
        "print(json.dumps(engines['django'].engine.loaders))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0][0] == "django.template.loaders.cached.Loader"


def test_the_guides_wording_is_rendered_once_and_keyed_by_its_version(client):
    from django.core.cache.utils import make_template_fragment_key

    from guide.content import wording_version

    key = make_template_fragment_key("guide_wording", [wording_version()])
    assert cache.get(key) is None
    first = client.get(reverse("home")).content.decode()
    assert "申报条件（通知原文）" in cache.get(key)
    cache.set(key, cache.get(key).replace("申报条件（通知原文）", "申报条件（缓存）"))
    second = client.get(reverse("home")).content.decode()
    assert "申报条件（缓存）" in second and "申报条件（通知原文）" in first
