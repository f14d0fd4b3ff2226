"""省级: the list, 抽查 (reproducible), 会议研究 (frozen once closed), 认定 (certificate numbers), 通报公布, deadlines."""

import datetime as dt
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application, State
from portal.audit.models import AuditEvent
from portal.directory.models import Campaign
from review import services
from review.models import Certificate, DeadlineExtension, Meeting, MeetingDecision, SpotCheck, SpotCheckDraw
from review.services import DecisionInput, Refused, draw_sample
from tests.factories import (
    MINIMAL_PDF,
    ClusterFactory,
    EnterpriseFactory,
    county_official,
    png_bytes,
    province_official,
)
from tests.review.journey import application_in, qinghe_enterprise

pytestmark = pytest.mark.django_db
CLUSTER_NUMBERS = itertools.count(1)


def forwarded(n, **kwargs):
    """n applications awaiting the province, in clusters of at most three."""
    result = []
    for i in range(n):
        if i % 3 == 0:
            cluster = ClusterFactory(name=f"测试产业集群{next(CLUSTER_NUMBERS)}", county_id="131125", industry="测试")
        result.append(application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster), **kwargs))
    return result


# 抽查 ------------------------------------------------------------------------------------------------------------


def test_the_sample_is_reproducible_from_its_stored_seed():
    applications = forwarded(7)
    province = province_official()
    draw = services.spot_check_draw(actor=province, campaign=applications[0].campaign, share_percent=40)
    stored = SpotCheckDraw.objects.get(pk=draw.pk)
    assert stored.population == sorted(a.pk for a in applications)
    assert len(stored.drawn) == 3  # 40 % of 7, rounded up
    assert draw_sample(stored.population, stored.share_percent, stored.seed) == stored.drawn
    assert draw_sample(list(reversed(stored.population)), stored.share_percent, stored.seed) == stored.drawn
    assert sorted(SpotCheck.objects.filter(draw=draw).values_list("application_id", flat=True)) == sorted(stored.drawn)


def test_the_same_seed_draws_the_same_sample_and_another_seed_may_not():
    population = list(range(1, 101))
    assert draw_sample(population, 10, "seed-a") == draw_sample(population, 10, "seed-a")
    assert draw_sample(population, 10, "seed-a") != draw_sample(population, 10, "seed-b")
    assert draw_sample(population, 100, "x") != [] and sorted(draw_sample(population, 100, "x")) == population


def test_drawing_with_nothing_to_check_is_refused():
    with pytest.raises(Refused, match="没有待省级审定"):
        services.spot_check_draw(actor=province_official(), campaign=application_in(State.CITY_REVIEW).campaign, share_percent=50)


def test_spot_check_page_draws_and_records_results_with_a_checked_file(client):
    forwarded(2)
    client.force_login(province_official())
    response = client.post(reverse("review:spot_checks"), {"share_percent": "100"})
    draw = SpotCheckDraw.objects.get()
    assert response.status_code == 302 and response.url == reverse("review:spot_check_draw", args=[draw.pk])
    check = draw.checks.first()
    prefix = f"check{check.pk}"
    response = client.post(
        reverse("review:spot_check_record", args=[check.pk]),
        {f"{prefix}-result": "pass", f"{prefix}-notes": "原件一致",
         f"{prefix}-record_file": SimpleUploadedFile("记录.png", png_bytes(), content_type="image/png")},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.result, check.notes) == ("pass", "原件一致") and check.record_file and len(check.record_sha256) == 64
    download = client.get(reverse("review:spot_check_file", args=[check.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == png_bytes()


def test_a_check_record_that_is_not_pdf_jpg_or_png_is_refused_and_notes_kept(client):
    forwarded(1)
    province = province_official()
    draw = services.spot_check_draw(actor=province, campaign=Campaign.objects.get(), share_percent=100)
    check = draw.checks.get()
    client.force_login(province)
    prefix = f"check{check.pk}"
    response = client.post(
        reverse("review:spot_check_record", args=[check.pk]),
        {f"{prefix}-result": "fail", f"{prefix}-notes": "纳税证明与原件不符",
         f"{prefix}-record_file": SimpleUploadedFile("记录.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "不是 PDF、JPG 或 PNG 文件" in page and "纳税证明与原件不符" in page
    check.refresh_from_db()
    assert check.result == "" and not check.record_file


def test_a_failed_check_needs_notes():
    forwarded(1)
    province = province_official()
    check = services.spot_check_draw(actor=province, campaign=Campaign.objects.get(), share_percent=100).checks.get()
    with pytest.raises(Refused, match="须填写抽查情况"):
        services.spot_check_record(actor=province, check_id=check.pk, result="fail")


def test_a_redraw_needs_a_reason_and_keeps_both_draws_recorded():
    forwarded(4)
    province = province_official()
    campaign = Campaign.objects.get()
    first = services.spot_check_draw(actor=province, campaign=campaign, share_percent=50)
    services.spot_check_record(actor=province, check_id=first.checks.first().pk, result="pass")
    with pytest.raises(Refused, match="重新抽取须填写理由"):
        services.spot_check_draw(actor=province, campaign=campaign, share_percent=50)
    with pytest.raises(Refused, match="重新抽取须填写理由"):
        services.spot_check_draw(actor=province, campaign=campaign, share_percent=50, reason="   ")
    assert SpotCheckDraw.objects.count() == 1

    second = services.spot_check_draw(actor=province, campaign=campaign, share_percent=100, reason="总体名单漏报一家")
    assert SpotCheckDraw.objects.count() == 2
    assert (second.replaces, second.redraw_reason) == (first, "总体名单漏报一家")
    assert services.current_spot_check_draw(campaign) == second
    assert first.checks.filter(result="pass").count() == 1  # the earlier results stay
    entry = AuditEvent.objects.filter(object_type="review.SpotCheckDraw", object_id=str(second.pk)).get()
    assert "重新抽查" in entry.detail and "总体名单漏报一家" in entry.detail


def test_the_spot_check_page_asks_for_the_reason_and_shows_both_draws_and_the_current_one(client):
    forwarded(3)
    province = province_official()
    client.force_login(province)
    client.post(reverse("review:spot_checks"), {"share_percent": "50"})
    first = SpotCheckDraw.objects.get()
    page = client.get(reverse("review:spot_checks")).content.decode()
    assert "重新抽取理由" in page and "现行抽查" in page

    response = client.post(reverse("review:spot_checks"), {"share_percent": "100"})
    assert response.status_code == 200 and "重新抽取须填写理由。" in response.content.decode()
    assert SpotCheckDraw.objects.count() == 1

    response = client.post(reverse("review:spot_checks"), {"share_percent": "100", "reason": "比例设置有误"})
    second = SpotCheckDraw.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302 and response.url == reverse("review:spot_check_draw", args=[second.pk])
    page = client.get(reverse("review:spot_checks")).content.decode()
    assert page.count("review/province/spot-checks/") >= 2 and first.seed in page and second.seed in page
    assert "比例设置有误" in page and "已被重新抽取替换" in page
    old = client.get(reverse("review:spot_check_draw", args=[first.pk])).content.decode()
    assert "已于" in old and "被重新抽取替换" in old and "比例设置有误" in old
    new = client.get(reverse("review:spot_check_draw", args=[second.pk])).content.decode()
    assert "重新抽取" in new and "理由：比例设置有误" in new


def test_replaying_the_stored_seed_shows_the_same_sample(client):
    applications = forwarded(6)
    province = province_official()
    draw = services.spot_check_draw(actor=province, campaign=Campaign.objects.get(), share_percent=50)
    replay = services.spot_check_replay(draw)
    assert replay.matches and replay.recomputed == draw.drawn

    client.force_login(province)
    url = reverse("review:spot_check_draw", args=[draw.pk])
    assert "按存储的随机种子复核抽样结果" in client.get(url).content.decode()
    page = client.get(url, {"replay": "1"}).content.decode()
    assert "与原抽样结果一致" in page and "不一致" not in page
    shown = {a.pk: f"{a.enterprise.name}（申报编号 {a.filing_number}）" for a in applications}
    positions = [page.index(shown[pk]) for pk in draw.drawn]
    assert positions == sorted(positions)


def test_a_stored_sample_that_was_altered_does_not_match_its_seed(client):
    forwarded(6)
    province = province_official()
    draw = services.spot_check_draw(actor=province, campaign=Campaign.objects.get(), share_percent=50)
    left_out = next(pk for pk in draw.population if pk not in draw.drawn)
    SpotCheckDraw.objects.filter(pk=draw.pk).update(drawn=[left_out, *draw.drawn[1:]])
    draw.refresh_from_db()
    assert not services.spot_check_replay(draw).matches
    client.force_login(province)
    page = client.get(reverse("review:spot_check_draw", args=[draw.pk]), {"replay": "1"}).content.decode()
    assert "与原抽样结果不一致" in page


# 会议研究 and 认定 ------------------------------------------------------------------------------------------------


def meeting_with(applications, decisions, *, close=True):
    province = province_official()
    meeting = services.meeting_create(
        actor=province, campaign=applications[0].campaign, name="省局认定会议", held_on=dt.date(2024, 11, 20),
        minutes_number="冀企产会纪〔2024〕3号",
    )
    services.meeting_save_decisions(
        actor=province, meeting_id=meeting.pk,
        decisions=[DecisionInput(a.pk, decision, rank) for a, (decision, rank) in zip(applications, decisions, strict=True)],
    )
    if close:
        services.meeting_close(actor=province, meeting_id=meeting.pk)
    return province, Meeting.objects.get(pk=meeting.pk)


def test_certificate_numbers_are_gap_free_and_in_ranking_order():
    applications = forwarded(5)
    # Ranks deliberately differ from creation order; one is declined.
    province, meeting = meeting_with(
        applications, [("award", 3), ("award", 1), ("decline", None), ("award", 4), ("award", 2)]
    )
    services.meeting_award(actor=province, meeting_id=meeting.pk)
    by_rank = sorted(
        MeetingDecision.objects.filter(meeting=meeting, decision="award"), key=lambda d: d.rank
    )
    numbers = [Certificate.objects.get(application_id=d.application_id).number for d in by_rank]
    assert numbers == [f"冀企产龙〔2024〕第00{n}号" for n in (1, 2, 3, 4)]
    assert list(Certificate.objects.order_by("serial").values_list("serial", flat=True)) == [1, 2, 3, 4]
    states = {a.pk: Application.objects.get(pk=a.pk).state for a in applications}
    assert states[applications[2].pk] == State.NOT_AWARDED
    assert sorted(states.values()).count(State.AWARDED) == 4
    meeting.refresh_from_db()
    assert meeting.awarded_at is not None


def test_a_second_meeting_continues_the_numbering_without_gaps():
    first, second = forwarded(2), forwarded(2)
    province, meeting = meeting_with(first, [("award", 1), ("award", 2)])
    services.meeting_award(actor=province, meeting_id=meeting.pk)
    province, later = meeting_with(second, [("award", 2), ("award", 1)])
    services.meeting_award(actor=province, meeting_id=later.pk)
    assert Certificate.objects.get(application=second[1]).serial == 3
    assert Certificate.objects.get(application=second[0]).serial == 4


def test_a_closed_meeting_cannot_be_edited():
    applications = forwarded(2)
    province, meeting = meeting_with(applications[:1], [("award", 1)])
    with pytest.raises(Refused, match="会议已结束"):
        services.meeting_save_decisions(actor=province, meeting_id=meeting.pk, decisions=[DecisionInput(applications[1].pk, "award", 2)])
    with pytest.raises(Refused, match="会议已结束"):
        services.meeting_save_decisions(actor=province, meeting_id=meeting.pk, decisions=[DecisionInput(applications[0].pk, "decline")])
    with pytest.raises(Refused, match="会议已结束"):
        services.meeting_close(actor=province, meeting_id=meeting.pk)
    assert list(MeetingDecision.objects.filter(meeting=meeting).values_list("application_id", "decision", "rank")) == [
        (applications[0].pk, "award", 1)
    ]


def test_a_closed_meeting_cannot_be_edited_through_the_page(client):
    applications = forwarded(1)
    province, meeting = meeting_with(applications, [("award", 1)])
    client.force_login(province)
    response = client.post(
        reverse("review:meeting_detail", args=[meeting.pk]), {f"decision_{applications[0].pk}": "decline"}
    )
    assert response.status_code == 409
    assert "会议已结束，会议结论已锁定" in response.content.decode()
    assert MeetingDecision.objects.get(meeting=meeting).decision == "award"


def test_award_needs_a_closed_meeting_and_happens_once():
    applications = forwarded(1)
    province, meeting = meeting_with(applications, [("award", 1)], close=False)
    with pytest.raises(Refused, match="会议尚未结束"):
        services.meeting_award(actor=province, meeting_id=meeting.pk)
    with pytest.raises(services.TransitionRefused, match="已结束的会议"):
        services.perform_transition(application_id=applications[0].pk, action="award", actor=province)
    services.meeting_close(actor=province, meeting_id=meeting.pk)
    services.meeting_award(actor=province, meeting_id=meeting.pk)
    with pytest.raises(Refused, match="不能重复认定"):
        services.meeting_award(actor=province, meeting_id=meeting.pk)
    assert Certificate.objects.count() == 1


def test_decisions_need_a_unique_rank_for_each_award():
    applications = forwarded(2)
    province = province_official()
    meeting = services.meeting_create(
        actor=province, campaign=applications[0].campaign, name="会议", held_on=dt.date(2024, 11, 20), minutes_number="1号"
    )
    with pytest.raises(Refused, match="须填写认定排序"):
        services.meeting_save_decisions(actor=province, meeting_id=meeting.pk, decisions=[DecisionInput(applications[0].pk, "award")])
    with pytest.raises(Refused, match="认定排序不能重复"):
        services.meeting_save_decisions(
            actor=province, meeting_id=meeting.pk,
            decisions=[DecisionInput(applications[0].pk, "award", 1), DecisionInput(applications[1].pk, "award", 1)],
        )
    assert not MeetingDecision.objects.exists()


def test_meeting_pages_record_close_and_award(client):
    applications = forwarded(2)
    province = province_official()
    client.force_login(province)
    response = client.post(
        reverse("review:meetings"), {"name": "认定会议", "held_on": "2024-11-20", "minutes_number": "纪要3号"}
    )
    meeting = Meeting.objects.get()
    assert response.url == reverse("review:meeting_detail", args=[meeting.pk])
    first, second = applications
    data = {f"decision_{first.pk}": "award", f"rank_{first.pk}": "1", f"decision_{second.pk}": "decline"}
    assert client.post(reverse("review:meeting_detail", args=[meeting.pk]), data).status_code == 302
    assert client.post(reverse("review:meeting_close", args=[meeting.pk])).status_code == 302
    assert client.post(reverse("review:meeting_award", args=[meeting.pk])).status_code == 302
    page = client.get(reverse("review:meeting_detail", args=[meeting.pk])).content.decode()
    assert "冀企产龙〔2024〕第001号" in page and "未予认定" in page


# 通报公布 --------------------------------------------------------------------------------------------------------


def test_published_awards_appear_on_the_public_page_by_city_and_cluster(client):
    hengshui = forwarded(1)[0]
    xingtai = application_in(State.PROVINCE_REVIEW, enterprise=qinghe_enterprise(name="清河羊绒龙头企业"))
    declined = forwarded(1)[0]
    province, meeting = meeting_with([hengshui, xingtai, declined], [("award", 2), ("award", 1), ("decline", None)])
    services.meeting_award(actor=province, meeting_id=meeting.pk)
    url = reverse("review:public_awarded")
    assert url == "/public/awarded/"
    assert "认定结果尚未公布" in client.get(url).content.decode()
    services.campaign_publish_results(actor=province, campaign=hengshui.campaign)
    page = client.get(url).content.decode()  # anonymous: no login needed
    assert "衡水市" in page and "邢台市" in page
    assert hengshui.enterprise.name in page and "清河羊绒龙头企业" in page
    assert "冀企产龙〔2024〕第001号" in page and "冀企产龙〔2024〕第002号" in page
    assert declined.enterprise.name not in page
    assert page.index("邢台市") < page.index("衡水市")  # by city code: 130500 before 131100


def test_later_awards_wait_for_the_next_publication(client):
    first, later = forwarded(1)[0], forwarded(1)[0]
    province, meeting = meeting_with([first], [("award", 1)])
    services.meeting_award(actor=province, meeting_id=meeting.pk)
    services.campaign_publish_results(actor=province, campaign=first.campaign)
    province, second_meeting = meeting_with([later], [("award", 1)])
    services.meeting_award(actor=province, meeting_id=second_meeting.pk)
    assert later.enterprise.name not in client.get("/public/awarded/").content.decode()
    client.force_login(province)
    client.post(reverse("review:publish_results"))
    client.logout()
    assert later.enterprise.name in client.get("/public/awarded/").content.decode()


def test_publishing_without_awards_is_refused():
    with pytest.raises(Refused, match="尚无已认定"):
        services.campaign_publish_results(actor=province_official(), campaign=application_in(State.DRAFT).campaign)


# Province list -------------------------------------------------------------------------------------------------


def test_province_list_filters_and_searches(client):
    hengshui = forwarded(2)
    xingtai = application_in(State.PROVINCE_REVIEW, enterprise=qinghe_enterprise(name="清河搜索企业"))
    application_in(State.CITY_REVIEW, enterprise=EnterpriseFactory(name="尚未上报企业"))
    client.force_login(province_official())
    url = reverse("review:province_list")
    page = client.get(url).content.decode()
    assert all(a.enterprise.name in page for a in [*hengshui, xingtai]) and "尚未上报企业" not in page
    page = client.get(url, {"city": "130500"}).content.decode()
    assert "清河搜索企业" in page and hengshui[0].enterprise.name not in page
    page = client.get(url, {"q": "搜索"}).content.decode()
    assert "清河搜索企业" in page and hengshui[0].enterprise.name not in page
    page = client.get(url, {"q": xingtai.enterprise.credit_code.lower()}).content.decode()
    assert "清河搜索企业" in page
    page = client.get(url, {"state": State.CITY_REVIEW}).content.decode()
    assert "尚未上报企业" in page and "清河搜索企业" not in page
    page = client.get(url, {"cluster": str(hengshui[0].cluster_id)}).content.decode()
    assert hengshui[0].enterprise.name in page and "清河搜索企业" not in page


def test_province_list_is_paginated_20_a_page_or_50_on_request(client):
    forwarded(51)
    client.force_login(province_official())
    first = client.get(reverse("review:province_list")).content.decode()
    assert "第 1 / 3 页" in first and first.count('href="/review/applications/') == 20
    fifty = client.get(reverse("review:province_list"), {"per_page": 50}).content.decode()
    assert "第 1 / 2 页" in fifty and fifty.count('href="/review/applications/') == 50
    second = client.get(reverse("review:province_list"), {"per_page": 50, "page": 2}).content.decode()
    assert second.count('href="/review/applications/') == 1


def test_province_pages_refuse_other_roles(client):
    client.force_login(county_official())
    for name in ("province_home", "province_list", "spot_checks", "meetings", "extend_deadline"):
        assert client.get(reverse(f"review:{name}")).status_code == 403, name


# Deadline extension --------------------------------------------------------------------------------------------


def test_the_province_extends_a_deadline_with_a_reason(client):
    application = application_in(State.COUNTY_REVIEW)
    campaign = application.campaign
    old = campaign.county_deadline
    client.force_login(province_official())
    new = old + dt.timedelta(days=10)
    response = client.post(
        reverse("review:extend_deadline"), {"level": "county", "new_date": new.isoformat(), "reason": "部分县材料补正"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.county_deadline == new
    extension = DeadlineExtension.objects.get()
    assert (extension.level, extension.old_date, extension.new_date, extension.reason) == ("county", old, new, "部分县材料补正")
    assert "部分县材料补正" in client.get(reverse("review:extend_deadline")).content.decode()


def test_a_deadline_can_only_move_later():
    campaign = application_in(State.DRAFT).campaign
    province = province_official()
    for day in (campaign.city_deadline, campaign.city_deadline - dt.timedelta(days=1)):
        with pytest.raises(Refused, match="须晚于原截止日期"):
            services.campaign_extend_deadline(actor=province, campaign_id=campaign.pk, level="city", new_date=day, reason="理由")
    with pytest.raises(Refused, match="延期理由"):
        services.campaign_extend_deadline(
            actor=province, campaign_id=campaign.pk, level="city", new_date=campaign.city_deadline + dt.timedelta(days=1), reason=" "
        )
    assert not DeadlineExtension.objects.exists()


def test_an_extension_lets_the_county_act_again():
    application = application_in(State.COUNTY_REVIEW)
    campaign = application.campaign
    campaign.county_deadline = dt.date(2024, 9, 30)
    campaign.save(update_fields=["county_deadline"])
    with pytest.raises(services.TransitionRefused, match="已超过截止时间"):
        services.perform_transition(
            application_id=application.pk, action="county_return", actor=county_official(), opinion="请补正"
        )
    services.campaign_extend_deadline(
        actor=province_official(), campaign_id=campaign.pk, level="county",
        new_date=dt.date.today() + dt.timedelta(days=5), reason="延期补正",
    )
    services.perform_transition(application_id=application.pk, action="county_return", actor=county_official(), opinion="请补正")
    application.refresh_from_db()
    assert application.state == State.RETURNED


def test_minimal_pdf_is_a_valid_check_record():
    forwarded(1)
    province = province_official()
    check = services.spot_check_draw(actor=province, campaign=Campaign.objects.get(), share_percent=100).checks.get()
    services.spot_check_record(
        actor=province, check_id=check.pk, result="pass",
        record_file=SimpleUploadedFile("r.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    check.refresh_from_db()
    assert check.record_file.open("rb").read() == MINIMAL_PDF
