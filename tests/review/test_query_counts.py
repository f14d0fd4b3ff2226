"""List pages: the number of queries does not grow with the number of applications (N, then 3N)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import State
from review import services
from review.models import Notification
from tests.factories import ClusterFactory, EnterpriseFactory, county_official, province_official
from tests.review.journey import actor_for, application_in, verify

pytestmark = pytest.mark.django_db
N = 3
CLUSTERS = itertools.count(1)


def new_cluster():
    return ClusterFactory(name=f"计数产业集群{next(CLUSTERS)}", county_id="131125", industry="测试")


def county_batch(n):
    for _ in range(n):
        application = application_in(State.COUNTY_REVIEW)
        verify(application)
        application_in(State.CITY_REVIEW)


def city_batch(n):
    for _ in range(n):
        cluster = new_cluster()
        application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
        application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))


def province_batch(n):
    applications = []
    for _ in range(n):
        cluster = new_cluster()
        applications += [application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(2)]
    province = province_official()
    campaign = applications[0].campaign
    services.spot_check_draw(actor=province, campaign=campaign, share_percent=50, reason="新上报的申报一并抽查")
    meeting = services.meeting_create(actor=province, campaign=campaign, name="会议", held_on=campaign.opens_on, minutes_number="1号")
    services.meeting_save_decisions(
        actor=province, meeting_id=meeting.pk,
        decisions=[services.DecisionInput(a.pk, "award", i + 1) for i, a in enumerate(applications[::2])],
    )
    services.meeting_close(actor=province, meeting_id=meeting.pk)
    services.meeting_award(actor=province, meeting_id=meeting.pk)


def queries(client, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured), response


def same_count_at_two_sizes(client, url, grow, django_assert_max_num_queries, rows_marker):
    grow(N)
    queries(client, url)  # the first request fills the caches (filter choices, the session, the unread count)
    small, response = queries(client, url)
    rows_small = response.content.decode().count(rows_marker)
    grow(2 * N)  # now 3N
    queries(client, url)  # new clusters dropped the cached choices: fill them again
    with django_assert_max_num_queries(small):
        large, response = queries(client, url)
    rows_large = response.content.decode().count(rows_marker)
    assert rows_large > rows_small > 0, (rows_small, rows_large)
    assert large == small


def test_county_queue_query_count(client, django_assert_max_num_queries):
    client.force_login(county_official("131125"))
    same_count_at_two_sizes(
        client, reverse("review:county_queue") + "?state=all", county_batch, django_assert_max_num_queries,
        'href="/review/applications/',
    )


def test_county_home_query_count(client, django_assert_max_num_queries):
    client.force_login(county_official("131125"))
    county_batch(N)
    small, _ = queries(client, reverse("review:county_home"))
    county_batch(2 * N)
    with django_assert_max_num_queries(small):
        client.get(reverse("review:county_home"))


def test_city_clusters_query_count(client, django_assert_max_num_queries):
    application = application_in(State.CITY_REVIEW)
    client.force_login(actor_for(application, "city_forward"))
    same_count_at_two_sizes(
        client, reverse("review:city_clusters"), city_batch, django_assert_max_num_queries, 'class="card mb-4" id="cluster-'
    )


def test_city_home_query_count(client, django_assert_max_num_queries):
    application = application_in(State.CITY_REVIEW)
    client.force_login(actor_for(application, "city_forward"))
    city_batch(N)
    small, _ = queries(client, reverse("review:city_home"))
    city_batch(2 * N)
    with django_assert_max_num_queries(small):
        client.get(reverse("review:city_home"))


def test_province_list_query_count(client, django_assert_max_num_queries):
    client.force_login(province_official())
    same_count_at_two_sizes(
        client, reverse("review:province_list"), province_batch, django_assert_max_num_queries, 'href="/review/applications/'
    )


def test_province_home_query_count(client, django_assert_max_num_queries):
    client.force_login(province_official())
    province_batch(N)
    small, _ = queries(client, reverse("review:province_home"))
    province_batch(2 * N)
    with django_assert_max_num_queries(small):
        client.get(reverse("review:province_home"))


def test_meeting_page_query_count(client, django_assert_max_num_queries):
    province = province_official()
    client.force_login(province)
    city_batch(1)
    meeting = services.meeting_create(
        actor=province, campaign=application_in(State.DRAFT).campaign, name="会议", held_on="2024-11-20", minutes_number="1号"
    )
    url = reverse("review:meeting_detail", args=[meeting.pk])
    same_count_at_two_sizes(client, url, city_batch, django_assert_max_num_queries, 'href="/review/applications/')


def notifications_batch(user):
    def grow(n):
        for _ in range(n):
            application = application_in(State.COUNTY_REVIEW)
            Notification.objects.create(recipient=user, application=application, message=f"「{application.enterprise.name}」已提交")
    return grow


def test_notifications_query_count(client, django_assert_max_num_queries):
    county = county_official("131125")
    Notification.objects.all().delete()
    client.force_login(county)
    grow = notifications_batch(county)
    grow(N)
    small, response = queries(client, reverse("review:notifications"))
    Notification.objects.update(read_at=None)
    grow(2 * N)
    Notification.objects.update(read_at=None)
    with django_assert_max_num_queries(small):
        large, response = queries(client, reverse("review:notifications"))
    assert response.content.decode().count("notification-unread") == 3 * N
