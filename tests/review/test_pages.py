"""The officials' pages: the application page, dashboards with deadlines, and the timeline for each viewer."""

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applications.models import Application, MaterialKind, State
from portal.dates import chinese_date, chinese_datetime
from review import services
from review.selectors import deadline_countdown, timeline_for
from review.services import perform_transition
from tests.factories import (
    add_material,
    auditor,
    city_official,
    county_official,
    png_bytes,
    province_official,
)
from tests.review.journey import actor_for, application_in, verify, walk

pytestmark = pytest.mark.django_db


def detail(client, user, application):
    client.force_login(user)
    return client.get(reverse("review:application_detail", args=[application.pk]))


def test_the_application_page_shows_everything_the_county_needs(client):
    application = application_in(State.DRAFT)
    image = add_material(application, MaterialKind.OTHER, content=png_bytes(), name="厂区照片.png")
    walk(application, "submit")
    page = detail(client, actor_for(application, "county_pass"), application).content.decode()
    assert application.enterprise.name in page and "待县级初审" in page
    assert 'id="eligibility-checklist"' in page and "年营业收入1亿元以上" in page
    assert "企业基本情况" in page and "带动中小企业（12 家）" in page and "河北省著名商标" in page
    for button in ("初审通过", "退回修改", "不予推荐"):
        assert f">{button}</button>" in page
    assert "审核通过并上报" not in page
    assert "填写核实情况证明" in page
    try:
        download = reverse("applications:material_download", args=[image.pk])
    except NoReverseMatch:  # the enterprise side's download view is not installed in this tree
        assert "在线预览暂不可用" in page
    else:
        assert f'<img class="material-image" src="{download}?inline=1"' in page
        pdf = application.materials.exclude(pk=image.pk).first()
        pdf_url = reverse("applications:material_download", args=[pdf.pk])
        assert f'<iframe class="material-frame" src="{pdf_url}?inline=1"' in page
    assert "提交申报" in page  # the timeline
    assert "style=" not in page and "onclick" not in page.lower()


def test_officials_do_not_see_drafts_nor_other_jurisdictions(client):
    draft = application_in(State.DRAFT)
    assert detail(client, county_official("131125"), draft).status_code == 404
    submitted = application_in(State.COUNTY_REVIEW)
    assert detail(client, county_official("131125"), submitted).status_code == 200
    assert detail(client, city_official("131100"), submitted).status_code == 200
    assert detail(client, province_official(), submitted).status_code == 200
    assert detail(client, county_official("130534"), submitted).status_code == 404
    assert detail(client, city_official("130500"), submitted).status_code == 404
    assert detail(client, actor_for(submitted, "submit"), submitted).status_code == 403


def test_the_city_sees_its_actions_and_the_quota_on_the_application_page(client):
    application = application_in(State.CITY_REVIEW)
    page = detail(client, actor_for(application, "city_forward"), application).content.decode()
    for button in ("审核通过并上报", "退回修改（退回县级）", "退回修改（退回企业）", "不予推荐"):
        assert f">{button}</button>" in page
    assert "本批次已上报" in page and "0/3" in page


def test_the_province_is_sent_to_the_meeting_for_award(client):
    application = application_in(State.PROVINCE_REVIEW)
    page = detail(client, province_official(), application).content.decode()
    assert ">认定</button>" not in page and "会议研究" in page


def test_timeline_shows_opinions_to_the_enterprise_but_not_internal_notes():
    application = application_in(State.COUNTY_REVIEW)
    perform_transition(
        application_id=application.pk, action="county_return", actor=actor_for(application, "county_return"),
        opinion="请补充纳税证明", internal_note="电话联系过企业财务",
    )
    enterprise_view = timeline_for(application, actor_for(application, "submit"))
    official_view = timeline_for(application, actor_for(application, "county_pass"))
    assert [step["action"] for step in enterprise_view] == ["提交申报", "退回修改"]
    assert enterprise_view[-1]["opinion"] == "请补充纳税证明" and enterprise_view[-1]["internal_note"] == ""
    assert official_view[-1]["internal_note"] == "电话联系过企业财务"
    assert enterprise_view[-1]["unit"] == "安平县" and enterprise_view[-1]["role"] == "县级审核员"


def test_the_timeline_on_the_page_shows_every_step_with_opinions(client):
    application = application_in(State.PROVINCE_REVIEW)
    page = detail(client, province_official(), application).content.decode()
    timeline = page[page.index('id="timeline"'):]
    for step in ("提交申报", "初审通过", "审核通过并上报"):
        assert step in timeline
    assert timeline.count("意见：经审核，意见如下。") == 3  # walk() gives every step an opinion


def test_countdown_labels_and_colours():
    campaign = application_in(State.DRAFT).campaign
    deadline = campaign.county_deadline
    shanghai = timezone.get_fixed_timezone(8 * 60)
    noon = lambda day: dt.datetime.combine(day, dt.time(12), tzinfo=shanghai)  # noqa: E731
    assert deadline_countdown(campaign, "county", noon(deadline - dt.timedelta(days=20))).label == "剩余 20 天"
    soon = deadline_countdown(campaign, "county", noon(deadline - dt.timedelta(days=3)))
    assert (soon.label, soon.css, soon.due_soon) == ("剩余 3 天", "countdown-soon", True)
    assert deadline_countdown(campaign, "county", noon(deadline)).label == "今日 23:59 截止"
    late = deadline_countdown(campaign, "county", noon(deadline + dt.timedelta(days=2)))
    assert (late.label, late.css, late.passed) == ("已超期 2 天", "countdown-overdue", True)


def test_county_home_shows_counts_overdue_and_what_to_do(client):
    application = application_in(State.COUNTY_REVIEW)
    application_in(State.RETURNED)
    client.force_login(county_official("131125"))
    page = client.get(reverse("review:county_home")).content.decode()
    assert "1 件待县级初审" in page and "其中 1 件尚未填写核实情况证明" in page
    assert "1 件已退回修改" in page
    assert reverse("review:county_queue") in page
    campaign = application.campaign
    campaign.county_deadline = dt.date(2024, 9, 30)
    campaign.save(update_fields=["county_deadline"])
    page = client.get(reverse("review:county_home")).content.decode()
    assert "已超过截止时间" in page and "countdown-overdue" in page


def test_county_queue_lists_by_state_with_a_countdown(client):
    waiting = application_in(State.COUNTY_REVIEW)
    verify(waiting)
    passed = application_in(State.CITY_REVIEW)
    client.force_login(county_official("131125"))
    page = client.get(reverse("review:county_queue")).content.decode()
    assert waiting.enterprise.name in page and passed.enterprise.name not in page
    assert "已填写（第1版）" in page and "剩余" in page
    page = client.get(reverse("review:county_queue"), {"state": State.CITY_REVIEW}).content.decode()
    assert passed.enterprise.name in page and waiting.enterprise.name not in page


def test_province_home_shows_per_city_and_cluster_figures(client):
    forwarded = application_in(State.PROVINCE_REVIEW)
    application_in(State.COUNTY_REVIEW)
    client.force_login(province_official())
    page = client.get(reverse("review:province_home")).content.decode()
    by_city = page[page.index('id="stats-by-city"'):page.index('id="stats-by-cluster"')]
    assert "衡水市" in by_city and '<td class="text-end">2</td><td class="text-end">1</td><td class="text-end">0</td>' in by_city
    by_cluster = page[page.index('id="stats-by-cluster"'):]
    assert forwarded.cluster.name in by_cluster and "1/3" in by_cluster
    assert "1 件待省级审定" in page


def test_public_page_needs_no_login_and_review_pages_do(client):
    assert client.get(reverse("review:public_awarded")).status_code == 200
    for name in ("county_home", "county_queue", "city_home", "city_clusters", "province_home", "province_list"):
        response = client.get(reverse(f"review:{name}"))
        assert response.status_code == 302 and reverse("accounts:login") in response.url, name


ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{1,2}-\d{1,2}(?![\d-])")


def visible_text(html: str) -> str:
    """What a reader sees: no scripts, no tags (a date input's value stays ISO 8601, as the browser needs)."""
    return re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))


def test_officials_pages_write_dates_as_the_enterprise_pages_do(client):
    waiting = application_in(State.COUNTY_REVIEW)
    application = walk(application_in(State.COUNTY_REVIEW), "verify", "county_return", "submit")
    county = actor_for(application, "county_pass")
    services.county_verification_reconfirm(
        application_id=application.pk, actor=county, version=Application.objects.get(pk=application.pk).county_verification.version
    )
    walk(application, "county_pass", "city_forward")
    province = province_official()
    campaign = application.campaign
    draw = services.spot_check_draw(actor=province, campaign=campaign, share_percent=100)
    meeting = services.meeting_create(actor=province, campaign=campaign, name="第一次会议", held_on=campaign.opens_on,
                                      minutes_number="冀企产会〔2024〕1号")
    later = campaign.city_deadline + dt.timedelta(days=10)
    services.campaign_extend_deadline(actor=province, campaign_id=campaign.pk, level="city", new_date=later, reason="部分市材料补正")
    seen = {
        (county, reverse("review:county_queue")): [chinese_datetime(waiting.submitted_at)],
        (county, reverse("review:application_detail", args=[application.pk])): [
            f"企业重新提交（{chinese_datetime(application.submitted_at)}）后确认核实情况无变化"
        ],
        (province, reverse("review:application_detail", args=[application.pk])): [f"{chinese_date(draw.created_at)} 抽中"],
        (province, reverse("review:spot_checks")): [chinese_datetime(draw.created_at)],
        (province, reverse("review:spot_check_draw", args=[draw.pk])): [chinese_datetime(draw.created_at)],
        (province, reverse("review:meetings")): [chinese_date(meeting.held_on)],
        (province, reverse("review:meeting_detail", args=[meeting.pk])): [meeting.name],
        (province, reverse("review:extend_deadline")): [chinese_date(later), "部分市材料补正"],
        (auditor(), reverse("audit:log")): [f"市级审核截止：{chinese_date(campaign.city_deadline)} → {chinese_date(later)}"],
    }
    for (user, url), expected in seen.items():
        client.force_login(user)
        text = visible_text(client.get(url).content.decode())
        for shown in expected:
            assert shown in text, (url, shown)
        assert not ISO_DATE.search(text), (url, ISO_DATE.search(text))
