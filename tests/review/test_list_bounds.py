"""The meetings list, the audit log and the notifications list: paginated, counted in the database, and the same
number of queries for N rows as for 10N."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import State
from portal.audit import views as audit_views
from portal.audit.models import AuditEvent, Event
from review import selectors, services
from review.models import Notification
from review.views import common as review_views
from tests.factories import auditor, county_official, province_official
from tests.review.journey import application_in, walk

pytestmark = pytest.mark.django_db
N = 5


def measured(client, url, marker):
    """(queries, rows shown) of a warm request: the first one fills the caches (session, unread count)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode().count(marker)


def flat_from_n_to_ten_n(client, url, grow, marker, page_size):
    grow(N)
    small, rows_small = measured(client, url, marker)
    grow(9 * N)
    large, rows_large = measured(client, url, marker)
    assert rows_small == N and rows_large == min(10 * N, page_size)
    assert large == small


# Meetings -------------------------------------------------------------------------------------------------------


def test_meetings_list_is_paginated_and_its_queries_do_not_grow(client):
    province = province_official()
    campaign = application_in(State.PROVINCE_REVIEW).campaign
    client.force_login(province)
    made = iter(range(1000))

    def grow(n):
        for _ in range(n):
            i = next(made)
            services.meeting_create(
                actor=province, campaign=campaign, name=f"第{i}次会议", held_on=campaign.opens_on + dt.timedelta(days=i),
                minutes_number=f"{i}号",
            )

    url = reverse("review:meetings") + f"?year={campaign.year}"
    flat_from_n_to_ten_n(client, url, grow, '次会议</a>', 20)
    second = client.get(url + "&page=3").content.decode()
    assert second.count('次会议</a>') == 10 * N - 40
    assert "第 3 / 3 页" in second and "第0次会议" in second  # oldest last


def test_meetings_page_counts_are_those_of_the_separate_counts():
    province = province_official()
    awarded = application_in(State.PROVINCE_REVIEW)
    campaign = awarded.campaign
    application_in(State.PROVINCE_REVIEW)
    meeting = services.meeting_create(actor=province, campaign=campaign, name="会议", held_on=campaign.opens_on, minutes_number="1号")
    services.meeting_save_decisions(actor=province, meeting_id=meeting.pk, decisions=[services.DecisionInput(awarded.pk, "award", 1)])
    services.meeting_close(actor=province, meeting_id=meeting.pk)
    services.meeting_award(actor=province, meeting_id=meeting.pk)

    def both():
        campaign.refresh_from_db()
        return selectors.meetings_page_counts(province, campaign), {
            "pending": selectors.count_in(province, campaign, State.PROVINCE_REVIEW),
            "unpublished": selectors.awarded_unpublished_count(campaign),
        }

    combined, separate = both()
    assert combined == separate == {"pending": 1, "unpublished": 1}
    services.campaign_publish_results(actor=province, campaign=campaign, now=meeting.__class__.objects.get(pk=meeting.pk).awarded_at)
    combined, separate = both()
    assert combined == separate == {"pending": 1, "unpublished": 0}


def test_meetings_page_figures_in_one_query(client):
    province = province_official()
    campaign = application_in(State.PROVINCE_REVIEW).campaign
    client.force_login(province)
    url = reverse("review:meetings") + f"?year={campaign.year}"

    def application_queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert "待省级审定 1 件" in page
        return len([q for q in captured.captured_queries if '"applications_application"' in q["sql"]])

    assert application_queries() == 1  # both figures in one aggregate
    assert application_queries() == 0  # then from the cache (review.figures) until an application changes


# Audit log ------------------------------------------------------------------------------------------------------


def audit_rows(n):
    AuditEvent.objects.bulk_create(
        [AuditEvent(event=Event.DOWNLOAD, username=f"user{i}", detail=f"下载 {i}", changes={"x": [1, 2]}) for i in range(n)]
    )


def test_audit_log_queries_do_not_grow(client):
    client.force_login(auditor())
    url = reverse("audit:log") + "?event=download"
    flat_from_n_to_ten_n(client, url, audit_rows, "<td>下载 ", audit_views.LOG_PAGE_SIZE)


def test_audit_log_counts_at_most_its_cap(client, monkeypatch):
    monkeypatch.setattr(audit_views, "LOG_COUNT_CAP", 60)
    client.force_login(auditor())
    audit_rows(59)
    page = client.get(reverse("audit:log") + "?event=download").content.decode()
    assert "共 59 条" in page and "第 1 / 2 页" in page
    audit_rows(100)
    page = client.get(reverse("audit:log") + "?event=download").content.decode()
    assert "超过 60 条" in page and "共 159 条" not in page and "第 1 / 2 页" in page
    last = client.get(reverse("audit:log") + "?event=download&page=2").content.decode()
    assert last.count("<td>下载 ") == 10  # rows 51 to 60: the cap bounds the offset too


# Notifications --------------------------------------------------------------------------------------------------


def test_notifications_list_queries_do_not_grow(client):
    county = county_official("131125")
    client.force_login(county)
    application = application_in(State.COUNTY_REVIEW)

    def grow(n):
        Notification.objects.bulk_create([Notification(recipient=county, application=application, message="「企业」已提交") for _ in range(n)])

    flat_from_n_to_ten_n(client, reverse("review:notifications"), grow, "已提交", review_views.NOTIFICATIONS_PAGE_SIZE)


def test_notifications_list_counts_at_most_its_cap(client, monkeypatch):
    monkeypatch.setattr(review_views, "NOTIFICATIONS_COUNT_CAP", 40)
    county = county_official("131125")
    Notification.objects.bulk_create([Notification(recipient=county, message=f"通知{i}") for i in range(70)])
    client.force_login(county)
    page = client.get(reverse("review:notifications")).content.decode()
    assert "仅列出最近的 40 条通知" in page and "第 1 / 2 页" in page


def test_notifications_list_links_to_the_application_without_loading_it(client, django_capture_on_commit_callbacks):
    application = application_in(State.DRAFT)
    county = county_official("131125")
    with django_capture_on_commit_callbacks(execute=True):
        walk(application, "submit")
    client.force_login(county)
    client.get(reverse("review:notifications"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("review:notifications")).content.decode()
    assert reverse("review:application_detail", args=[application.pk]) in page
    assert not [q for q in captured.captured_queries if "applications_application" in q["sql"]]
