"""提交申报, 撤回 and 退回修改 from the enterprise's side."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.fingerprint import fingerprint
from applications.models import REPORT_SECTIONS, Application, MaterialKind, State
from applications.selectors import applications_visible_to
from review.models import CountyVerification, ReviewRecord
from review.services import perform_transition
from review.workflow import Action
from tests.factories import CampaignFactory, city_official, county_official, eligible_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(campaign):
    return eligible_application(campaign=campaign)


@pytest.fixture
def ready_client(client, ready):
    client.force_login(ready.enterprise.users.get())
    return client


def message_text(response):
    return " ".join(str(m) for m in response.context["messages"])


def submit(client, application):
    return client.post(reverse("applications:submit", args=[application.pk]), follow=True)


def test_submit_locks_the_application_for_its_own_county(ready_client, ready):
    response = submit(ready_client, ready)
    assert "已提交申报，申报编号 2024-131125-0001，等待县级初审" in message_text(response)
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW
    assert ready.submitted_at is not None
    record = ReviewRecord.objects.get(application=ready)
    assert record.action == Action.SUBMIT and record.data_sha256 == fingerprint(ready)
    assert applications_visible_to(county_official("131125")).filter(pk=ready.pk).exists()
    assert not applications_visible_to(county_official("130534")).filter(pk=ready.pk).exists()
    # locked: the edit pages send the enterprise to the read-only view
    for page in ("report", "form", "submit"):
        locked = ready_client.get(reverse(f"applications:{page}", args=[ready.pk]))
        assert locked.status_code == 302 and locked.url == reverse("applications:detail", args=[ready.pk])


def test_double_clicked_submit_produces_one_transition(ready_client, ready):
    submit(ready_client, ready)
    response = submit(ready_client, ready)
    assert response.status_code == 200
    assert "当前状态为「待县级初审」" in message_text(response)
    assert ReviewRecord.objects.filter(application=ready).count() == 1


def test_draft_survives_a_failing_submit_with_all_data_intact(ready_client, ready):
    ready.materials.filter(kind=MaterialKind.TAX).delete()
    before = fingerprint(ready)
    version = ready.version
    response = submit(ready_client, ready)
    assert "申报材料尚不完整" in message_text(response)
    assert "尚未上传（五）税务部门开具的上一年度纳税证明" in message_text(response)
    ready.refresh_from_db()
    assert ready.state == State.DRAFT
    assert fingerprint(ready) == before and ready.version == version
    assert ready.partners.count() == 12 and ready.honours.count() == 3


def test_submit_page_lists_failing_hard_condition_with_a_link(ready_client, ready):
    Application.objects.filter(pk=ready.pk).update(revenue=Decimal("9999.99"))
    page = ready_client.get(reverse("applications:submit", args=[ready.pk]))
    missing = dict(page.context["missing"])
    message = "申报条件 A3「年营业收入1亿元以上」不满足：上年度营业收入 9,999.99 万元，低于 10,000.00 万元。"
    assert missing[message] == reverse("applications:form", args=[ready.pk]) + "#condition-A3"
    assert "disabled" in page.content.decode()
    response = submit(ready_client, ready)
    assert "A3" in message_text(response)
    ready.refresh_from_db()
    assert ready.state == State.DRAFT


def test_submit_page_links_each_missing_item_to_its_place(client, draft, owner):
    client.force_login(owner)
    page = client.get(reverse("applications:submit", args=[draft.pk]))
    urls = dict(page.context["missing"])
    assert urls["申请报告「企业基本情况」未填写"].endswith(f"/applications/{draft.pk}/report/#report-report_basic")
    assert urls["推荐审核表「上年度营业收入（万元）」未填写"].endswith(f"/applications/{draft.pk}/form/#field-revenue")
    assert urls["尚未上传（四）企业营业执照副本复印件"].endswith(f"/applications/{draft.pk}/materials/#material-licence")
    html = page.content.decode()
    for anchor in ('id="report-report_basic"',):
        assert anchor in client.get(reverse("applications:report", args=[draft.pk])).content.decode()
    form_page = client.get(reverse("applications:form", args=[draft.pk])).content.decode()
    for anchor in ("field-revenue", "field-declares_truthful", "condition-A3", "form-partners", "form-honours"):
        assert f'id="{anchor}"' in form_page
    assert 'id="material-licence"' in client.get(reverse("applications:materials", args=[draft.pk])).content.decode()
    assert "提交申报" in html


def test_submit_after_the_deadline_is_refused(client):
    campaign = CampaignFactory(enterprise_deadline=timezone.localdate() - dt.timedelta(days=1))
    application = eligible_application(campaign=campaign)
    client.force_login(application.enterprise.users.get())
    page = client.get(reverse("applications:submit", args=[application.pk]))
    assert "已于" in page.content.decode() and "截止" in page.content.decode()
    response = submit(client, application)
    assert "已超过截止时间" in message_text(response)
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_withdraw_before_the_county_acts(ready_client, ready):
    submit(ready_client, ready)
    detail = ready_client.get(reverse("applications:detail", args=[ready.pk])).content.decode()
    assert reverse("applications:withdraw", args=[ready.pk]) in detail
    response = ready_client.post(reverse("applications:withdraw", args=[ready.pk]), follow=True)
    assert "已撤回申报" in message_text(response)
    ready.refresh_from_db()
    assert ready.state == State.WITHDRAWN and ready.is_editable
    # and it can be submitted again
    submit(ready_client, ready)
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW


def test_withdraw_after_the_county_returned_it_is_refused(ready_client, ready):
    submit(ready_client, ready)
    perform_transition(
        application_id=ready.pk, action=Action.COUNTY_RETURN, actor=county_official("131125"), opinion="请补充纳税证明原件。"
    )
    response = ready_client.post(reverse("applications:withdraw", args=[ready.pk]), follow=True)
    assert "不能进行「撤回」" in message_text(response)
    ready.refresh_from_db()
    assert ready.state == State.RETURNED


def test_withdraw_after_the_county_passed_it_is_refused(ready_client, ready):
    submit(ready_client, ready)
    county = county_official("131125")
    CountyVerification.objects.create(application=ready, revenue=Decimal("52000"), verified_by=county)
    perform_transition(application_id=ready.pk, action=Action.COUNTY_PASS, actor=county)
    perform_transition(
        application_id=ready.pk, action=Action.CITY_RETURN_TO_COUNTY, actor=city_official("131100"), opinion="请复核排名。"
    )
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW  # back at the county, but the county has acted
    response = ready_client.post(reverse("applications:withdraw", args=[ready.pk]), follow=True)
    assert "县级审核员已处理，不能撤回" in message_text(response)
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW


def test_returned_application_shows_opinion_and_can_be_fixed_and_resubmitted(ready_client, ready):
    submit(ready_client, ready)
    perform_transition(
        application_id=ready.pk, action=Action.COUNTY_RETURN, actor=county_official("131125"),
        opinion="纳税证明不清晰，请重新上传。", internal_note="内部：与税务局核对过",
    )
    home = ready_client.get(reverse("applications:home")).content.decode()
    assert "纳税证明不清晰，请重新上传。" in home
    assert "内部：与税务局核对过" not in home
    assert "退回修改" in home
    ready.refresh_from_db()
    url = reverse("applications:report", args=[ready.pk])
    sections = {name: getattr(ready, name) for name in REPORT_SECTIONS}
    response = ready_client.post(url, {**sections, "version": ready.version, "report_basic": "已补充说明"})
    assert response.status_code == 302
    submit(ready_client, ready)
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW and ready.report_basic == "已补充说明"
    assert list(ready.review_records.values_list("action", flat=True)) == ["submit", "county_return", "submit"]
