"""The city's ranking holds: complete before any forward, followed by the forwards; a forward can be withdrawn by the
city or returned by the province while the province has not acted, and the quota slot comes back."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from portal.audit.models import AuditEvent, Event
from review import services
from review.models import ClusterQuota, MeetingDecision, ReviewRecord, SpotCheckResult
from review.services import TransitionRefused, application_set_city_ranks, perform_transition
from tests.factories import EnterpriseFactory, city_official, province_official
from tests.review.journey import actor_for, application_in, walk

pytestmark = pytest.mark.django_db


def waiting_in_cluster(n):
    """`n` applications of 安平县丝网产业集群 awaiting the city (衡水市), in creation order."""
    return [application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory()) for _ in range(n)]


def rank(applications, *ranks):
    first = applications[0]
    application_set_city_ranks(
        actor=city_official("131100"), campaign=first.campaign, cluster_id=first.cluster_id,
        ranks={a.pk: r for a, r in zip(applications, ranks, strict=True)},
    )


def forward(application, opinion="同意上报。"):
    return perform_transition(
        application_id=application.pk, action="city_forward", actor=city_official("131100"), opinion=opinion
    )


def quota_used(application):
    quota = ClusterQuota.objects.filter(campaign=application.campaign, cluster=application.cluster).first()
    return quota.used if quota else 0


def state_of(application):
    return Application.objects.get(pk=application.pk).state


# Forwarding needs the whole ranking ---------------------------------------------------------------------------


def test_forward_before_ranking_is_refused_naming_the_unranked_applications():
    first, second = waiting_in_cluster(2)
    rank([first], 1)
    with pytest.raises(TransitionRefused) as refused:
        forward(first)
    assert str(refused.value) == (
        "上报前须先为「安平县丝网产业集群」的全部 2 件待市级审核申报填写推荐排序并保存"
        f"（尚未排序：「{second.enterprise.name}」）。"
    )
    assert state_of(first) == State.CITY_REVIEW
    assert quota_used(first) == 0
    assert not ReviewRecord.objects.filter(action="city_forward").exists()


def test_forwards_follow_the_ranking_and_the_forwarded_are_numbered_without_a_gap():
    first, second, third = waiting_in_cluster(3)
    rank([first, second, third], 2, 1, 3)
    with pytest.raises(TransitionRefused, match=f"下一家应为推荐排序第 1 位的「{second.enterprise.name}」"):
        forward(first)
    forward(second)
    forward(first)
    forward(third)
    forwarded = Application.objects.filter(state=State.PROVINCE_REVIEW).order_by("city_rank")
    assert [(a.pk, a.city_rank) for a in forwarded] == [(second.pk, 1), (first.pk, 2), (third.pk, 3)]


def test_a_gap_in_the_ranking_is_refused_until_the_city_renumbers():
    first, second = waiting_in_cluster(2)
    rank([first, second], 1, 3)
    forward(first)
    with pytest.raises(TransitionRefused, match="推荐排序第 2 位尚无申报，请先调整排序"):
        forward(second)
    rank([second], 2)
    forward(second)
    assert state_of(second) == State.PROVINCE_REVIEW


def test_forward_needs_the_city_opinion():
    (application,) = waiting_in_cluster(1)
    rank([application], 1)
    with pytest.raises(TransitionRefused, match="「审核通过并上报」须填写意见或理由"):
        forward(application, opinion="  ")
    assert quota_used(application) == 0


def test_an_application_sent_back_by_the_city_leaves_its_ranking():
    first, second = waiting_in_cluster(2)
    rank([first, second], 1, 2)
    perform_transition(
        application_id=second.pk, action="city_return_county", actor=city_official("131100"), opinion="请重新核实。"
    )
    assert Application.objects.get(pk=second.pk).city_rank is None
    assert Application.objects.get(pk=first.pk).city_rank == 1


def test_a_stale_repeated_rank_is_refused():
    first, second = waiting_in_cluster(2)
    rank([first, second], 1, 2)
    Application.objects.filter(pk=second.pk).update(city_rank=1)  # e.g. kept from before ranks were cleared on return
    with pytest.raises(TransitionRefused, match=r"推荐排序号重复（1）"):
        forward(first)


# 撤回上报 ---------------------------------------------------------------------------------------------------------


def forwarded(n):
    applications = waiting_in_cluster(n)
    rank(applications, *range(1, n + 1))
    for application in applications:
        forward(application)
    return applications


def withdraw(application, opinion=""):
    return perform_transition(
        application_id=application.pk, action="city_withdraw_forward", actor=city_official("131100"), opinion=opinion,
        expected_state=State.PROVINCE_REVIEW,
    )


def test_withdrawing_a_forward_frees_the_slot_and_is_recorded():
    first, second, third = forwarded(3)
    assert quota_used(first) == 3
    record = withdraw(third, opinion="需补充核实集群内排名。")
    assert state_of(third) == State.CITY_REVIEW
    assert quota_used(first) == 2
    assert (record.action_label, record.from_state, record.to_state) == ("撤回上报", "province_review", "city_review")
    assert AuditEvent.objects.filter(
        event=Event.TRANSITION, success=True, detail__contains="撤回上报：待省级审定 → 待市级审核（「安平县丝网产业集群」推荐名额释放 1 个）"
    ).exists()
    # The rank stays; the application can go again in its place.
    assert Application.objects.get(pk=third.pk).city_rank == 3
    forward(third)
    assert quota_used(first) == 3


def test_withdrawing_lets_another_application_take_the_slot():
    first, second, third = forwarded(3)
    (fourth,) = waiting_in_cluster(1)
    withdraw(second)
    rank([second, fourth], 4, 2)
    forward(fourth)
    assert sorted(Application.objects.filter(state=State.PROVINCE_REVIEW).values_list("city_rank", flat=True)) == [1, 2, 3]
    assert quota_used(first) == 3


def test_the_page_shows_the_freed_slot_and_a_withdraw_button(client):
    first, second, third = forwarded(3)
    client.force_login(city_official("131100"))
    page = client.get(reverse("review:city_clusters")).content.decode()
    assert "3/3" in page and page.count(">撤回上报</button>") == 3
    client.post(
        reverse("review:transition", args=[third.pk]),
        {"action": "city_withdraw_forward", "expected_state": State.PROVINCE_REVIEW, "next": reverse("review:city_clusters")},
    )
    page = client.get(reverse("review:city_clusters")).content.decode()
    assert "2/3" in page and page.count(">撤回上报</button>") == 2


@pytest.mark.parametrize("acted", ["spot_check", "meeting"])
def test_no_withdraw_once_the_province_acted(acted):
    (application,) = forwarded(1)
    province = province_official()
    if acted == "spot_check":
        draw = services.spot_check_draw(actor=province, campaign=application.campaign, share_percent=100)
        services.spot_check_record(
            actor=province, check_id=draw.checks.get().pk, result=SpotCheckResult.PASS, notes="",
        )
        reason = "省级已记录了抽查结果，不能再「撤回上报」。"
    else:
        meeting = services.meeting_create(
            actor=province, campaign=application.campaign, name="认定会议", held_on=timezone.localdate(),
            minutes_number="纪要1号",
        )
        MeetingDecision.objects.create(meeting=meeting, application=application, decision="award", rank=1)
        reason = "省级已作出了会议研究结论，不能再「撤回上报」。"
    with pytest.raises(TransitionRefused) as refused:
        withdraw(application)
    assert str(refused.value) == reason
    assert state_of(application) == State.PROVINCE_REVIEW
    assert quota_used(application) == 1


def test_a_drawn_but_unchecked_application_can_still_be_withdrawn():
    (application,) = forwarded(1)
    services.spot_check_draw(actor=province_official(), campaign=application.campaign, share_percent=100)
    withdraw(application)
    assert quota_used(application) == 0


def test_no_withdraw_after_the_city_deadline():
    (application,) = forwarded(1)
    application.campaign.city_deadline = timezone.localdate() - dt.timedelta(days=1)
    application.campaign.save(update_fields=["city_deadline"])
    with pytest.raises(TransitionRefused, match="已超过截止时间"):
        withdraw(application)
    assert quota_used(application) == 1


def test_a_slot_never_goes_below_zero():
    (application,) = forwarded(1)
    ClusterQuota.objects.filter(cluster=application.cluster).update(used=0)
    withdraw(application)
    assert quota_used(application) == 0


# 退回市级 -------------------------------------------------------------------------------------------------------


def province_return(application, opinion):
    return perform_transition(
        application_id=application.pk, action="province_return_city", actor=province_official(), opinion=opinion,
    )


def test_the_province_returns_to_the_city_with_an_opinion_and_the_slot_is_freed():
    first, second = forwarded(2)
    with pytest.raises(TransitionRefused, match="「退回市级」须填写意见或理由"):
        province_return(second, "")
    assert quota_used(first) == 2
    province_return(second, "集群内排名依据不足，请市级复核后重新上报。")
    assert state_of(second) == State.CITY_REVIEW
    assert quota_used(first) == 1
    record = ReviewRecord.objects.filter(application=second).latest("at", "id")
    assert (record.action_label, record.actor_role, record.opinion) == (
        "退回市级", "province", "集群内排名依据不足，请市级复核后重新上报。",
    )


def test_the_province_cannot_return_what_a_meeting_decided():
    (application,) = forwarded(1)
    province = province_official()
    meeting = services.meeting_create(
        actor=province, campaign=application.campaign, name="认定会议", held_on=timezone.localdate(),
        minutes_number="纪要1号",
    )
    MeetingDecision.objects.create(meeting=meeting, application=application, decision="decline")
    with pytest.raises(TransitionRefused, match="省级已作出了会议研究结论，不能再「退回市级」"):
        province_return(application, "请复核。")


def test_the_city_sees_the_province_opinion_on_its_cluster_row_and_the_page(client):
    (application,) = forwarded(1)
    province_return(application, "集群内排名依据不足，请市级复核后重新上报。")
    client.force_login(city_official("131100"))
    clusters = client.get(reverse("review:city_clusters")).content.decode()
    assert "退回意见：</strong>集群内排名依据不足，请市级复核后重新上报。" in clusters
    detail = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    assert 'id="return-opinion"' in detail and "集群内排名依据不足，请市级复核后重新上报。" in detail
    assert ">退回市级 · " not in detail  # the label is in the heading's note, not a stray button
    # Forwarded again, the opinion has done its work and leaves the row.
    forward(application, "已复核，同意上报。")
    clusters = client.get(reverse("review:city_clusters")).content.decode()
    assert "退回意见" not in clusters


def test_the_province_page_offers_return_to_the_city(client):
    (application,) = forwarded(1)
    client.force_login(province_official())
    page = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    assert 'value="province_return_city"' in page and ">退回市级</button>" in page
    assert "会议研究</a>作出结论后办理" in page


def test_walk_ranks_before_it_forwards():
    application = application_in(State.PROVINCE_REVIEW)
    assert application.city_rank == 1
    assert walk(application_in(State.CITY_REVIEW), "city_forward").city_rank == 2
    assert actor_for(application, "city_forward").role == "city"


def test_the_review_form_drops_a_withdrawn_forward_until_the_city_decides_again():
    from review.documents.selectors import opinion_blocks

    (application,) = forwarded(1)

    def city_block():
        return opinion_blocks(Application.objects.get(pk=application.pk))[1]

    assert (city_block().decision, city_block().opinion) == ("审核通过并上报", "同意上报。")
    withdraw(application, opinion="重新排序。")
    assert not city_block().filled
    forward(application, opinion="复核后同意上报。")
    assert (city_block().decision, city_block().opinion) == ("审核通过并上报", "复核后同意上报。")


def test_the_home_pages_count_what_came_back(client):
    (application,) = forwarded(1)
    province_return(application, "请补充集群内排名依据。")
    client.force_login(city_official("131100"))
    assert "1 件被省级退回市级" in client.get(reverse("review:city_home")).content.decode()

    perform_transition(
        application_id=application.pk, action="city_return_county", actor=city_official("131100"), opinion="请重新核实。"
    )
    client.force_login(actor_for(application, "county_pass"))
    assert "1 件被市级退回重新初审" in client.get(reverse("review:county_home")).content.decode()


def test_the_cluster_page_forward_records_the_row_opinion(client):
    (application,) = waiting_in_cluster(1)
    rank([application], 1)
    client.force_login(city_official("131100"))
    response = client.post(reverse("review:city_cluster_forward", args=[application.pk]), {"opinion": " 同意上报。 "})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("review:city_clusters"))
    record = ReviewRecord.objects.get(application=application, action="city_forward")
    assert (record.opinion, state_of(application), quota_used(application)) == ("同意上报。", State.PROVINCE_REVIEW, 1)
