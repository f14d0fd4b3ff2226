"""The expired-session stash writes only for the application's owner, in one slot, within a size cap."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.stash import MAX_STASHED_CHARACTERS, RESTORED_MESSAGE, SESSION_KEY
from tests.factories import PASSWORD, ApplicationFactory, enterprise_user

pytestmark = pytest.mark.django_db

PAGES = ["report", "form", "checklist", "materials", "submit", "withdraw"]


def log_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def expire_sessions():
    Session.objects.all().delete()
    cache.clear()  # the sessions' cached copies expire with them


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_post_leaves_no_session_row(client, draft, page):
    response = client.post(reverse(f"applications:{page}", args=[draft.pk]), {"report_basic": "x" * 400_000})
    assert response.status_code == 302
    assert Session.objects.count() == 0
    assert "sessionid" not in response.cookies


def test_post_from_another_enterprises_browser_stores_nothing(client, draft):
    stranger = enterprise_user(ApplicationFactory(campaign=draft.campaign).enterprise)
    log_in(client, stranger)
    expire_sessions()
    client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": "别人写的"})
    assert Session.objects.count() == 0


def test_post_after_logout_stores_nothing(client, draft, owner):
    log_in(client, owner)
    client.post(reverse("accounts:logout"))
    client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": "退出后写的"})
    assert not any(SESSION_KEY in s.get_decoded() for s in Session.objects.all())


def test_forged_previous_user_cookie_stores_nothing(client, draft, owner):
    client.cookies["portal_previous_user"] = str(owner.pk)
    client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": "伪造"})
    assert Session.objects.count() == 0


def test_owners_expired_session_keeps_one_slot(client, draft, owner):
    log_in(client, owner)
    expire_sessions()
    client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": "第一份"})
    client.post(reverse("applications:form", args=[draft.pk]), {"version": 0, "iso9000_number": "第二份"})
    [session] = Session.objects.all()
    stash = session.get_decoded()[SESSION_KEY]
    assert stash["path"] == reverse("applications:form", args=[draft.pk])
    assert stash["data"] == {"version": ["0"], "iso9000_number": ["第二份"]}


def replay(cookies: dict[str, str], url: str, times: int = 5) -> None:
    """The same POST with the same cookies from `times` fresh clients (each ignores what the last one was sent)."""
    for n in range(times):
        stranger = Client()
        stranger.cookies.load(cookies)
        stranger.post(url, {"version": 0, "report_basic": f"重放第{n}次"})


@pytest.mark.parametrize("session_cookie", [None, "k3yma" * 6 + "de"], ids=["no-session-cookie", "made-up"])
def test_owners_marker_without_its_session_stores_nothing(client, draft, owner, session_cookie):
    log_in(client, owner)
    marker = client.cookies["portal_previous_user"].value
    expire_sessions()
    cookies = {"portal_previous_user": marker}
    if session_cookie:
        cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    replay(cookies, reverse("applications:report", args=[draft.pk]))
    assert Session.objects.count() == 0


@pytest.mark.parametrize("ended", ["deleted", "expired-row-left"])
def test_owners_ended_session_replayed_from_many_clients_is_one_row(client, draft, owner, ended):
    log_in(client, owner)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    if ended == "deleted":
        expire_sessions()
    else:  # idle past its expiry, not yet removed by clearsessions
        Session.objects.update(expire_date=timezone.now() - dt.timedelta(minutes=1))
        cache.clear()
    replay(cookies, reverse("applications:report", args=[draft.pk]))
    [session] = Session.objects.all()
    assert session.session_key == cookies[settings.SESSION_COOKIE_NAME]
    assert session.get_decoded()[SESSION_KEY]["data"]["report_basic"] == ["重放第4次"]


def test_marker_follows_the_new_session_key_of_a_password_change(client, draft, owner):
    log_in(client, owner)
    new_password = "Wire#mesh2026"
    changed = client.post(reverse("accounts:password_change"),
                          {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password})
    assert changed.status_code == 302
    expire_sessions()
    url = reverse("applications:report", args=[draft.pk])
    client.post(url, {"version": 0, "report_basic": "改密码之后写的"})
    client.post(reverse("accounts:login"), {"username": owner.username, "password": new_password})
    assert "改密码之后写的" in client.get(url).content.decode()


def test_over_the_cap_nothing_is_kept_and_the_text_is_shown_to_copy(client, draft, owner):
    log_in(client, owner)
    expire_sessions()
    typed = "很长的内容" * (MAX_STASHED_CHARACTERS // 5 + 1)
    response = client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "超过可临时保留的上限" in page and typed in page and "企业基本情况" in page
    assert Session.objects.count() == 0


def test_stash_is_restored_only_to_its_owner(client, draft, owner):
    log_in(client, owner)
    expire_sessions()
    url = reverse("applications:report", args=[draft.pk])
    client.post(url, {"version": 0, "report_basic": "只给本企业"})
    other = enterprise_user(draft.enterprise, username="same-enterprise-colleague")
    log_in(client, other)
    page = client.get(url).content.decode()
    assert RESTORED_MESSAGE not in page and "只给本企业" not in page


def test_previous_user_marker_is_signed_http_only_and_ends_with_the_browser(client, owner):
    log_in(client, owner)
    marker = client.cookies["portal_previous_user"]
    assert marker["httponly"] and not marker["max-age"] and marker.value != str(owner.pk)
