"""A double click never does a thing twice (ASVS 2.3.4): the same transition requested twice at the same
instant, each request in its own thread and transaction, happens exactly once.

Two POSTs one after the other are tested where the pages live: 提交申报 in
tests/applications/test_submission.py (test_double_clicked_submit_produces_one_transition), 初审通过 in
tests/review/test_guards.py (test_a_double_clicked_approval_gives_one_transition); the quota race in
tests/review/test_quota_concurrency.py. Here: the 认定 button twice in a row, and real races on PostgreSQL.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from applications.models import Application, State
from portal.audit.models import AuditEvent, Event
from review.models import Certificate, Meeting, ReviewRecord
from review.services import meeting_close
from tests.documents.helpers import forwarded_application, submitted_application, verify
from tests.factories import county_official, eligible_application, province_official


def closed_meeting(applications, province):
    meeting = Meeting.objects.create(
        campaign=applications[0].campaign, name="龙头企业认定会议", held_on="2024-11-01",
        minutes_number="省局会议纪要〔2024〕8号", created_by=province,
    )
    for rank, application in enumerate(applications, start=1):
        meeting.decisions.create(application=application, decision="award", rank=rank)
    meeting_close(actor=province, meeting_id=meeting.pk)
    return meeting


@pytest.mark.django_db
def test_a_double_clicked_award_issues_each_certificate_once(client):
    province = province_official()
    applications = [forwarded_application(), forwarded_application()]
    meeting = closed_meeting(applications, province)
    client.force_login(province)
    url = reverse("review:meeting_award", args=[meeting.pk])
    client.post(url)
    second = client.post(url, follow=True)
    assert "该会议的结论已认定，不能重复认定" in second.content.decode()
    assert Certificate.objects.filter(application__in=applications).count() == 2
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [1, 2]
    assert ReviewRecord.objects.filter(action="award").count() == 2


# ------------------------------------------------------------------------------------------------------------
# Real races: PostgreSQL, committed data, one thread and one database connection per click
# ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer: the race needs PostgreSQL's row locks.")


def double_click(user, url, data=None, clicks=2):
    """POST `url` `clicks` times at the same instant from one browser (one session), each in its own thread."""
    login = Client()
    login.force_login(user)
    cookie = login.cookies[settings.SESSION_COOKIE_NAME].value
    clients = []
    for _ in range(clicks):
        browser = Client()
        browser.cookies[settings.SESSION_COOKIE_NAME] = cookie
        clients.append(browser)
    barrier = threading.Barrier(clicks)
    results = [None] * clicks

    def click(index):
        try:
            barrier.wait(timeout=10)
            results[index] = clients[index].post(url, data or {}).status_code
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            results[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def refused_transitions(application):
    return AuditEvent.objects.filter(event=Event.TRANSITION, success=False, detail__startswith=f"申报 {application.pk}「")


@pytest.mark.usefixtures("_needs_postgresql")
@pytest.mark.parametrize("clicks", [2, 4])
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_submit_clicked_at_the_same_instant_submits_once(clicks):
    application = eligible_application()
    results = double_click(application.enterprise.users.get(), reverse("applications:submit", args=[application.pk]), clicks=clicks)
    assert results == [302] * clicks, results
    assert ReviewRecord.objects.filter(application=application, action="submit").count() == 1
    assert refused_transitions(application).count() == clicks - 1
    assert Application.objects.get(pk=application.pk).state == State.COUNTY_REVIEW


@pytest.mark.usefixtures("_needs_postgresql")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_approval_clicked_at_the_same_instant_passes_once():
    application = submitted_application()
    county = county_official("131125")
    verify(application, county=county)
    results = double_click(
        county, reverse("review:transition", args=[application.pk]),
        {"action": "county_pass", "opinion": "同意推荐。", "expected_state": State.COUNTY_REVIEW},
    )
    # The first moves the application and redirects; the second waited for the row lock, then found the new
    # state and shows the page again with the refusal (and what was typed).
    assert sorted(results) == [200, 302], results
    assert ReviewRecord.objects.filter(application=application, action="county_pass").count() == 1
    assert refused_transitions(application).count() == 1
    assert Application.objects.get(pk=application.pk).state == State.CITY_REVIEW


@pytest.mark.usefixtures("_needs_postgresql")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_award_clicked_at_the_same_instant_issues_each_certificate_once():
    province = province_official()
    applications = [forwarded_application(), forwarded_application()]
    meeting = closed_meeting(applications, province)
    results = double_click(province, reverse("review:meeting_award", args=[meeting.pk]))
    assert results == [302, 302], results
    assert ReviewRecord.objects.filter(action="award").count() == 2
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [1, 2]
    assert Meeting.objects.get(pk=meeting.pk).awarded_at is not None
    assert set(Application.objects.values_list("state", flat=True)) == {State.AWARDED}
