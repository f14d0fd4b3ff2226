"""The guards: opinion, verification, deadlines (Asia/Shanghai), quota, stale or repeated clicks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from applications.models import State
from review.models import ClusterQuota, ReviewRecord
from review.services import TransitionRefused, perform_transition
from tests.factories import ClusterFactory, EnterpriseFactory
from tests.review.journey import actor_for, application_in, rank_next, verify, walk

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.mark.parametrize("action", ["county_return", "county_reject"])
def test_county_return_and_reject_need_an_opinion(action):
    application = application_in(State.COUNTY_REVIEW)
    with pytest.raises(TransitionRefused, match="须填写意见或理由"):
        perform_transition(application_id=application.pk, action=action, actor=actor_for(application, action), opinion="  ")
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


@pytest.mark.parametrize("action", ["city_return_county", "city_return_enterprise", "city_reject"])
def test_city_return_and_reject_need_an_opinion(action):
    application = application_in(State.CITY_REVIEW)
    with pytest.raises(TransitionRefused, match="须填写意见或理由"):
        perform_transition(application_id=application.pk, action=action, actor=actor_for(application, action))
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_county_pass_needs_the_verification():
    application = application_in(State.COUNTY_REVIEW)
    county = actor_for(application, "county_pass")
    with pytest.raises(TransitionRefused, match="核实情况证明"):
        perform_transition(application_id=application.pk, action="county_pass", actor=county)
    verify(application)
    perform_transition(application_id=application.pk, action="county_pass", actor=county)
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_withdraw_only_until_the_county_has_acted():
    application = application_in(State.CITY_REVIEW)
    walk(application, "city_return_county")
    assert application.state == State.COUNTY_REVIEW
    with pytest.raises(TransitionRefused, match="不能撤回"):
        walk(application, "withdraw")
    fresh = application_in(State.COUNTY_REVIEW)
    assert walk(fresh, "withdraw").state == State.WITHDRAWN


def test_enterprise_deadline_passes_at_midnight_shanghai():
    early, late = application_in(State.DRAFT), application_in(State.DRAFT)
    deadline = early.campaign.enterprise_deadline
    perform_transition(application_id=early.pk, action="submit", actor=actor_for(early, "submit"), now=at(deadline, 23, 59, 59))
    with pytest.raises(TransitionRefused, match="已超过截止时间"):
        perform_transition(
            application_id=late.pk, action="submit", actor=actor_for(late, "submit"),
            now=at(deadline + dt.timedelta(days=1), 0, 0),
        )
    early.refresh_from_db(), late.refresh_from_db()
    assert (early.state, late.state) == (State.COUNTY_REVIEW, State.DRAFT)


def test_county_deadline_passes_at_midnight_shanghai():
    first, second = application_in(State.COUNTY_REVIEW), application_in(State.COUNTY_REVIEW)
    verify(first), verify(second)
    deadline = first.campaign.county_deadline
    county = actor_for(first, "county_pass")
    perform_transition(application_id=first.pk, action="county_pass", actor=county, now=at(deadline, 23, 59))
    with pytest.raises(TransitionRefused, match="已超过截止时间"):
        perform_transition(
            application_id=second.pk, action="county_pass", actor=county, now=at(deadline + dt.timedelta(days=1), 0, 0)
        )
    second.refresh_from_db()
    assert second.state == State.COUNTY_REVIEW


def test_city_deadline_31_october_passes_at_midnight_shanghai():
    first, second = application_in(State.CITY_REVIEW), application_in(State.CITY_REVIEW)
    campaign = first.campaign
    campaign.city_deadline = dt.date(2024, 10, 31)
    campaign.save(update_fields=["city_deadline"])
    city = actor_for(first, "city_forward")
    rank_next(first, now=at(dt.date(2024, 10, 31), 23, 0))
    perform_transition(
        application_id=first.pk, action="city_forward", actor=city, opinion="同意上报。",
        now=at(dt.date(2024, 10, 31), 23, 59),
    )
    with pytest.raises(TransitionRefused, match="2024年10月31日 23:59"):
        perform_transition(
            application_id=second.pk, action="city_forward", actor=city, opinion="同意上报。",
            now=at(dt.date(2024, 11, 1), 0, 0),
        )
    # 00:00 Shanghai is still 31 October in UTC: the zone decides, not the server's clock.
    assert at(dt.date(2024, 11, 1), 0, 0).astimezone(dt.UTC).date() == dt.date(2024, 10, 31)
    second.refresh_from_db()
    assert second.state == State.CITY_REVIEW


def test_deadline_refusal_through_the_view_keeps_the_opinion(client):
    application = application_in(State.COUNTY_REVIEW)
    campaign = application.campaign
    campaign.county_deadline = dt.date(2024, 9, 30)
    campaign.save(update_fields=["county_deadline"])
    client.force_login(actor_for(application, "county_return"))
    response = client.post(
        reverse("review:transition", args=[application.pk]), {"action": "county_return", "opinion": "请补充纳税证明原件"}
    )
    page = response.content.decode()
    assert "已超过截止时间（2024年9月30日 23:59）" in page
    assert "请补充纳税证明原件</textarea>" in page


def forwarded_in_cluster(cluster, n):
    return [application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster)) for _ in range(n)]


def test_the_fourth_forward_in_a_cluster_is_refused_with_a_message():
    cluster = ClusterFactory()
    forwarded_in_cluster(cluster, 3)
    fourth = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    with pytest.raises(TransitionRefused, match="「安平县丝网产业集群」本批次已上报 3 家，达到推荐上限"):
        walk(fourth, "city_forward")
    fourth.refresh_from_db()
    assert fourth.state == State.CITY_REVIEW
    assert ClusterQuota.objects.get(cluster=cluster).used == 3


def test_the_fourth_forward_through_the_city_page_shows_the_message(client):
    cluster = ClusterFactory()
    forwarded_in_cluster(cluster, 3)
    fourth = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    rank_next(fourth)
    client.force_login(actor_for(fourth, "city_forward"))
    response = client.post(reverse("review:city_cluster_forward", args=[fourth.pk]), {"opinion": "同意上报第四家。"})
    page = response.content.decode()
    assert "达到推荐上限，不能再上报" in page
    assert "3/3" in page
    assert 'value="同意上报第四家。"' in page  # the opinion as typed, on the cluster page
    fourth.refresh_from_db()
    assert fourth.state == State.CITY_REVIEW


def test_other_clusters_keep_their_own_quota():
    forwarded_in_cluster(ClusterFactory(), 3)
    other = ClusterFactory(name="安平县另一产业集群", county_id="131125", industry="其他")
    application = application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(cluster=other))
    assert walk(application, "city_forward").state == State.PROVINCE_REVIEW


def test_the_database_refuses_a_quota_above_its_limit():
    application = application_in(State.PROVINCE_REVIEW)
    quota = ClusterQuota.objects.get(cluster=application.cluster)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterQuota.objects.filter(pk=quota.pk).update(used=quota.quota + 1)


def test_a_double_clicked_approval_gives_one_transition(client):
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    client.force_login(actor_for(application, "county_pass"))
    data = {"action": "county_pass", "opinion": "同意", "expected_state": State.COUNTY_REVIEW}
    first = client.post(reverse("review:transition", args=[application.pk]), data)
    second = client.post(reverse("review:transition", args=[application.pk]), data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "该申报已被办理，当前状态为「待市级审核」，本次「初审通过」未重复执行" in second.content.decode()
    assert ReviewRecord.objects.filter(application=application, action="county_pass").count() == 1
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW


def test_a_repeated_service_call_is_refused_by_the_state_check():
    application = application_in(State.CITY_REVIEW)
    walk(application, "city_forward")
    with pytest.raises(TransitionRefused, match="当前状态为「待省级审定」"):
        walk(application, "city_forward")
    assert ReviewRecord.objects.filter(application=application, action="city_forward").count() == 1
    assert ClusterQuota.objects.get(cluster=application.cluster).used == 1
