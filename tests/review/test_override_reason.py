"""Deciding against a failing condition is a recorded decision: 初审通过, 审核通过并上报 and 认定 need a reason."""

import pytest

from applications.models import Application, State
from review import services
from review.models import ReviewRecord
from review.services import TransitionRefused, perform_transition
from tests.review.journey import OPINION, actor_for, application_in, rank_next, verify, walk
from tests.review.test_province import meeting_with

pytestmark = pytest.mark.django_db
REASON = "排名依据为2023年统计口径，县政府专题会议同意推荐。"


def failing_at_county():
    """Awaiting the county, verified with figures that fail A5 (rank 4) and E1 (47.5%)."""
    application = application_in(State.COUNTY_REVIEW)
    verify(application, cluster_rank=4, owners_equity=38000, total_assets=80000)
    return application


def test_county_pass_with_an_unmet_condition_is_refused_without_a_reason_listing_the_conditions():
    application = failing_at_county()
    with pytest.raises(TransitionRefused, match=r"A5（集群内企业规模和经济实力排名前3位）、E1（资产所有者权益超过50%）"):
        perform_transition(
            application_id=application.pk, action="county_pass", actor=actor_for(application, "county_pass"),
            opinion=OPINION, details={"override_reason": "   "},
        )
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW
    assert not ReviewRecord.objects.filter(application=application, action="county_pass").exists()


def test_county_pass_with_a_reason_records_what_was_acknowledged_and_why():
    application = failing_at_county()
    record = perform_transition(
        application_id=application.pk, action="county_pass", actor=actor_for(application, "county_pass"),
        opinion=OPINION, details={"override_reason": f"  {REASON} "},
    )
    application.refresh_from_db()
    assert application.state == State.CITY_REVIEW
    stored = ReviewRecord.objects.get(pk=record.pk)
    assert (stored.overridden, stored.override_reason) == ("A5、E1", REASON)


def test_a_decision_on_an_application_meeting_every_condition_needs_no_reason():
    application = application_in(State.CITY_REVIEW)
    record = ReviewRecord.objects.get(application=application, action="county_pass")
    assert (record.overridden, record.override_reason) == ("", "")


def test_city_forward_with_an_unmet_condition_needs_a_reason():
    application = failing_at_county()
    perform_transition(
        application_id=application.pk, action="county_pass", actor=actor_for(application, "county_pass"),
        details={"override_reason": REASON},
    )
    city = actor_for(application, "city_forward")
    rank_next(application)
    with pytest.raises(TransitionRefused, match="以下条件不满足：A5"):
        perform_transition(application_id=application.pk, action="city_forward", actor=city, opinion=OPINION)
    assert Application.objects.get(pk=application.pk).state == State.CITY_REVIEW
    record = perform_transition(
        application_id=application.pk, action="city_forward", actor=city, opinion=OPINION,
        details={"override_reason": "市局复核同意。"},
    )
    assert (record.overridden, record.override_reason) == ("A5、E1", "市局复核同意。")
    assert Application.objects.get(pk=application.pk).state == State.PROVINCE_REVIEW


def failed_spot_check(application):
    province = actor_for(application, "award")
    draw = services.spot_check_draw(actor=province, campaign=application.campaign, share_percent=100)
    check = draw.checks.get(application=application)
    services.spot_check_record(actor=province, check_id=check.pk, result="fail", notes="现场核查纳税证明与申报不符。")


def test_award_after_a_failed_spot_check_needs_a_reason_given_on_the_meeting():
    application = application_in(State.PROVINCE_REVIEW)
    failed_spot_check(application)
    province, meeting = meeting_with([application], [("award", 1)])
    with pytest.raises(TransitionRefused, match="抽查不符合"):
        services.meeting_award(actor=province, meeting_id=meeting.pk)
    assert Application.objects.get(pk=application.pk).state == State.PROVINCE_REVIEW
    services.meeting_award(
        actor=province, meeting_id=meeting.pk, override_reasons={application.pk: "经补充材料复核，会议同意认定。"}
    )
    record = ReviewRecord.objects.get(application=application, action="award")
    assert (record.overridden, record.override_reason) == ("抽查不符合", "经补充材料复核，会议同意认定。")
    assert Application.objects.get(pk=application.pk).state == State.AWARDED


def test_a_passed_spot_check_needs_no_reason_to_award():
    application = application_in(State.PROVINCE_REVIEW)
    province = actor_for(application, "award")
    check = services.spot_check_draw(actor=province, campaign=application.campaign, share_percent=100).checks.get()
    services.spot_check_record(actor=province, check_id=check.pk, result="pass")
    province, meeting = meeting_with([application], [("award", 1)])
    services.meeting_award(actor=province, meeting_id=meeting.pk)
    assert Application.objects.get(pk=application.pk).state == State.AWARDED


def test_the_meeting_page_carries_the_confirmed_reason_to_the_award(client):
    application = application_in(State.PROVINCE_REVIEW)
    failed_spot_check(application)
    province, meeting = meeting_with([application], [("award", 1)])
    client.force_login(province)
    page = client.get(f"/review/province/meetings/{meeting.pk}/").content.decode()
    assert "我已知悉以下条件不满足：抽查不符合，仍决定认定，理由如下" in page
    url = f"/review/province/meetings/{meeting.pk}/award/"
    response = client.post(url, {f"override_reason_{application.pk}": "会议同意。"})  # typed, not confirmed
    assert response.status_code == 400 and "请勾选确认已知悉不满足的条件" in response.content.decode()
    assert ">会议同意。</textarea>" in response.content.decode()  # what was typed is kept
    assert Application.objects.get(pk=application.pk).state == State.PROVINCE_REVIEW
    response = client.post(url)  # neither: refused by the guard, with the enterprise and what fails
    assert f"「{application.enterprise.name}」：以下条件不满足：抽查不符合" in response.content.decode()
    client.post(url, {f"override_confirm_{application.pk}": "on", f"override_reason_{application.pk}": "会议同意。"})
    assert Application.objects.get(pk=application.pk).state == State.AWARDED
    assert ReviewRecord.objects.get(application=application, action="award").override_reason == "会议同意。"


def test_the_application_page_asks_to_confirm_only_when_a_condition_fails(client):
    application = failing_at_county()
    county = actor_for(application, "county_pass")
    client.force_login(county)
    url = f"/review/applications/{application.pk}/"
    assert "我已知悉以下条件不满足：A5、E1，仍决定通过，理由如下" in client.get(url).content.decode()
    transition = f"/review/applications/{application.pk}/transition/"
    response = client.post(transition, {"action": "county_pass", "override_reason": REASON, "expected_state": State.COUNTY_REVIEW})
    assert "请勾选确认" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.COUNTY_REVIEW
    client.post(
        transition,
        {"action": "county_pass", "override_confirmed": "on", "override_reason": REASON, "expected_state": State.COUNTY_REVIEW},
    )
    assert Application.objects.get(pk=application.pk).state == State.CITY_REVIEW
    assert REASON in client.get(url).content.decode()  # 办理记录
    clean = application_in(State.COUNTY_REVIEW)
    walk(clean, "verify")
    assert "我已知悉以下条件不满足" not in client.get(f"/review/applications/{clean.pk}/").content.decode()


def test_award_asks_again_for_a_failing_hard_condition_but_not_for_the_county_checked_ones():
    application = failing_at_county()
    verify(application, cluster_rank=4, condition_checks={"E3": {"verdict": "unmet", "note": "一般事故一起"}})
    for action in ("county_pass", "city_forward"):
        if action == "city_forward":
            rank_next(application)
        perform_transition(
            application_id=application.pk, action=action, actor=actor_for(application, action), opinion=OPINION,
            details={"override_reason": REASON},
        )
    province, meeting = meeting_with([application], [("award", 1)])
    with pytest.raises(TransitionRefused, match=r"以下条件不满足：A5（集群内企业规模和经济实力排名前3位）。"):
        services.meeting_award(actor=province, meeting_id=meeting.pk)
    services.meeting_award(actor=province, meeting_id=meeting.pk, override_reasons={application.pk: "会议同意。"})
    assert ReviewRecord.objects.get(application=application, action="award").overridden == "A5"
