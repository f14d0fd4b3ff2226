"""公示 before 认定: the list, objections from anyone, the province's handling, and what blocks 认定."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from review.models import Objection, ObjectionOutcome, Publicity
from review.services import Refused
from review.workflow import publicity_problem
from tests.factories import MINIMAL_PDF, county_official
from tests.titles.helpers import after, closed_meeting, published
from titles import services

pytestmark = pytest.mark.django_db


def test_add_working_days_skips_weekends():
    monday = dt.date(2026, 11, 30)
    assert services.add_working_days(monday, 5) == dt.date(2026, 12, 4)
    friday = dt.date(2026, 12, 4)
    assert services.add_working_days(friday, 5) == dt.date(2026, 12, 10)
    saturday = dt.date(2026, 12, 5)
    assert services.add_working_days(saturday, 1) == dt.date(2026, 12, 7)


def test_publicity_lists_the_award_decisions_in_ranking_order_for_five_working_days():
    province, meeting, applications = closed_meeting(3, decisions=[("award", 2), ("decline", None), ("award", 1)])
    start = dt.date(2026, 11, 30)
    publicity = services.publicity_publish(actor=province, meeting_id=meeting.pk, starts_on=start)
    assert publicity.ends_on == dt.date(2026, 12, 4)
    names = list(publicity.entries.order_by("position").values_list("application_id", flat=True))
    assert names == [applications[2].pk, applications[0].pk]
    assert AuditEvent.objects.filter(object_type="review.Publicity", object_id=str(publicity.pk)).exists()


def test_publicity_needs_a_closed_meeting_and_only_once():
    province, meeting, _ = closed_meeting(1)
    services.publicity_publish(actor=province, meeting_id=meeting.pk, starts_on=timezone.localdate())
    with pytest.raises(Refused, match="已经公示"):
        services.publicity_publish(actor=province, meeting_id=meeting.pk, starts_on=timezone.localdate())


def test_public_page_shows_the_list_without_personal_data(client):
    _, _, publicity, applications = published(2)
    services.objection_lodge(
        entry_id=publicity.entries.first().pk, name="张三", phone="13800000000", email="zs@example.com",
        content="该企业去年发生安全事故。", evidence=None, address="203.0.113.9",
    )
    page = client.get(reverse("titles:publicity_public")).content.decode()
    assert applications[0].enterprise.name in page and "公示中" in page
    assert "张三" not in page and "13800000000" not in page


def test_anyone_lodges_an_objection_with_a_pdf_and_gets_a_reference(client):
    _, _, publicity, applications = published(2)
    entry = publicity.entries.order_by("position").first()
    response = client.post(
        reverse("titles:objection_lodge", args=[publicity.pk]),
        {
            "entry": entry.pk, "name": "李四", "phone": "0311-87654321", "email": "", "content": "该企业有违法行为。",
            "evidence": SimpleUploadedFile("证据.pdf", MINIMAL_PDF, content_type="application/pdf"),
            "captcha_0": "x", "captcha_1": "PASSED",
        },
        follow=True,
    )
    objection = Objection.objects.get()
    assert objection.reference == "YY2024-0001"
    assert objection.reference in response.content.decode()
    assert objection.evidence_name == "证据.pdf" and objection.evidence_sha256
    assert objection.outcome == ObjectionOutcome.OPEN


def test_objection_form_refuses_a_bad_file_and_keeps_the_text(client):
    _, _, publicity, _ = published(1)
    entry = publicity.entries.get()
    response = client.post(
        reverse("titles:objection_lodge", args=[publicity.pk]),
        {
            "entry": entry.pk, "name": "李四", "phone": "13800000000", "content": "内容保留",
            "evidence": SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"),
            "captcha_0": "x", "captcha_1": "PASSED",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "未上传" in page and "内容保留" in page
    assert not Objection.objects.exists()


def test_objection_needs_the_captcha(client, settings):
    settings.CAPTCHA_TEST_MODE = False
    _, _, publicity, _ = published(1)
    response = client.post(
        reverse("titles:objection_lodge", args=[publicity.pk]),
        {"entry": publicity.entries.get().pk, "name": "王五", "phone": "13800000000", "content": "x",
         "captcha_0": "nokey", "captcha_1": "ABCD"},
    )
    assert response.status_code == 400 and not Objection.objects.exists()
    assert "图形验证码" in response.content.decode()


def test_objections_are_rate_limited_per_address(client):
    from django.core.cache import cache

    cache.clear()
    _, _, publicity, _ = published(1)
    data = {"entry": publicity.entries.get().pk, "name": "王五", "phone": "13800000000", "content": "x",
            "captcha_0": "x", "captcha_1": "PASSED"}
    url = reverse("titles:objection_lodge", args=[publicity.pk])
    codes = [client.post(url, data).status_code for _ in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429
    assert Objection.objects.count() == 5


def test_no_objection_outside_the_period(client):
    _, _, publicity, _ = published(1, starts_on=timezone.localdate() + dt.timedelta(days=3))
    assert client.get(reverse("titles:objection_lodge", args=[publicity.pk])).status_code == 410
    with pytest.raises(Refused, match="不在公示期内"):
        services.objection_lodge(
            entry_id=publicity.entries.get().pk, name="a", phone="1", email="", content="x", evidence=None, address=None
        )


def test_objectors_details_are_for_the_province_only(client):
    province, _, publicity, _ = published(1)
    services.objection_lodge(
        entry_id=publicity.entries.get().pk, name="赵六", phone="13900000000", email="", content="异议",
        evidence=None, address=None,
    )
    client.force_login(county_official())
    assert client.get(reverse("titles:publicity_detail", args=[publicity.pk])).status_code == 403
    client.force_login(province)
    page = client.get(reverse("titles:publicity_detail", args=[publicity.pk])).content.decode()
    assert "赵六" in page and "13900000000" in page


def test_handling_needs_a_reason_and_is_recorded(client):
    province, _, publicity, applications = published(2)
    objection = services.objection_lodge(
        entry_id=publicity.entries.order_by("position").first().pk, name="a", phone="13800000000", email="",
        content="异议", evidence=None, address=None,
    )
    with pytest.raises(Refused, match="处理意见"):
        services.objection_handle(actor=province, objection_id=objection.pk, outcome=ObjectionOutcome.UPHELD, reason=" ")
    client.force_login(province)
    client.post(
        reverse("titles:objection_handle", args=[objection.pk]), {"outcome": "upheld", "reason": "经核查，情况属实。"}
    )
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.UPHELD and objection.handled_by == province
    assert objection.handling_reason == "经核查，情况属实。"


def test_blockers_while_running_open_or_upheld_and_clear_after(settings):
    province, _, publicity, applications = published(3)
    first, second, third = applications
    entries = {e.application_id: e for e in publicity.entries.all()}
    assert "公示期满后方可认定" in publicity_problem(first)
    open_one = services.objection_lodge(
        entry_id=entries[first.pk].pk, name="a", phone="13800000000", email="", content="x", evidence=None, address=None
    )
    upheld = services.objection_lodge(
        entry_id=entries[second.pk].pk, name="b", phone="13800000000", email="", content="y", evidence=None, address=None
    )
    services.objection_handle(actor=province, objection_id=upheld.pk, outcome=ObjectionOutcome.UPHELD, reason="属实")
    later = after(publicity)
    for application in applications:
        application.refresh_from_db()
    assert "尚未处理" in publicity_problem(first, later)
    assert "异议成立" in publicity_problem(second, later)
    assert publicity_problem(third, later) is None
    services.objection_handle(actor=province, objection_id=open_one.pk, outcome=ObjectionOutcome.DISMISSED, reason="不属实")
    first.refresh_from_db()
    assert publicity_problem(first, later) is None


def test_province_publishes_from_its_page(client):
    province, meeting, _ = closed_meeting(2)
    client.force_login(province)
    page = client.get(reverse("titles:publicity_manage")).content.decode()
    assert meeting.name in page
    today = timezone.localdate()
    response = client.post(
        reverse("titles:publicity_manage"), {"meeting": meeting.pk, "starts_on": today.isoformat(), "ends_on": ""}
    )
    publicity = Publicity.objects.get()
    assert response.url == reverse("titles:publicity_detail", args=[publicity.pk])
    assert publicity.ends_on == services.add_working_days(today, 5)


def test_award_waits_for_the_publicity_and_declines_an_upheld_objection():
    from applications.models import State
    from review import services as review_services
    from review.services import TransitionRefused

    province, meeting, publicity, applications = published(3)
    first, second, third = applications
    entries = {e.application_id: e for e in publicity.entries.all()}
    objection = services.objection_lodge(
        entry_id=entries[second.pk].pk, name="a", phone="13800000000", email="", content="x", evidence=None, address=None
    )
    with pytest.raises(Refused, match="公示期满后方可认定"):
        review_services.meeting_award(actor=province, meeting_id=meeting.pk)
    with pytest.raises(TransitionRefused, match="公示期满后方可认定"):
        review_services.perform_transition(application_id=first.pk, action="award", actor=province)
    later = after(publicity)
    with pytest.raises(Refused, match="尚未处理"):
        review_services.meeting_award(actor=province, meeting_id=meeting.pk, now=later)
    services.objection_handle(actor=province, objection_id=objection.pk, outcome=ObjectionOutcome.UPHELD, reason="属实")
    with pytest.raises(TransitionRefused, match="异议成立"):
        review_services.perform_transition(application_id=second.pk, action="award", actor=province, now=later)
    review_services.meeting_award(actor=province, meeting_id=meeting.pk, now=later)
    states = {a.pk: a.state for a in applications[0].__class__.objects.filter(pk__in=[a.pk for a in applications])}
    assert states == {first.pk: State.AWARDED, second.pk: State.NOT_AWARDED, third.pk: State.AWARDED}
    declined = second.review_records.order_by("-id").first()
    assert "异议成立" in declined.opinion
