"""The expired-session stash writes only for the application's owner, in one slot, within a size cap."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

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
