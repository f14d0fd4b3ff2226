"""申报编号 and the 提交回执; returns that lead to the fix; where the application stands; stale tabs and 下一步."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, MaterialKind, State
from applications.progress import progress_for
from portal.directory.models import Division
from review.services import TransitionRefused, perform_transition
from review.workflow import Action
from tests.applications.test_application_pages import form_data, partners
from tests.factories import add_material, county_official, eligible_application
from tests.review.journey import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(campaign):
    Division.objects.filter(code="131125").update(office_name="安平县工业和信息化局", office_phone="0318-7522345")
    return eligible_application(campaign=campaign)


@pytest.fixture
def ready_client(client, ready):
    client.force_login(ready.enterprise.users.get())
    return client


def submit(client, application):
    return client.post(reverse("applications:submit", args=[application.pk]), follow=True)


def return_to_enterprise(application, *targets, opinion="上一年度纳税证明未加盖税务部门印章，请重新上传。"):
    return perform_transition(
        application_id=application.pk, action=Action.COUNTY_RETURN, actor=county_official("131125"),
        opinion=opinion, return_targets=targets,
    )


def test_filing_number_is_per_county_sequence_and_kept_on_resubmission(ready_client, ready, campaign):
    other = eligible_application(campaign=campaign)
    walk(other, Action.SUBMIT)
    submit(ready_client, ready)
    ready.refresh_from_db()
    other.refresh_from_db()
    assert other.filing_number == f"{campaign.year}-131125-0001"
    assert ready.filing_number == f"{campaign.year}-131125-0002"
    return_to_enterprise(ready, "material-tax")
    submit(ready_client, ready)
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW and ready.filing_number == f"{campaign.year}-131125-0002"


def test_draft_has_no_filing_number_and_no_receipt(ready_client, ready):
    assert ready.filing_number == ""
    assert ready_client.get(reverse("documents:receipt_pdf", args=[ready.pk])).status_code == 404


def test_receipt_pdf_carries_number_time_fingerprint_and_next_step(ready_client, ready, tmp_path):
    submit(ready_client, ready)
    ready.refresh_from_db()
    detail = ready_client.get(reverse("applications:detail", args=[ready.pk])).content.decode()
    assert reverse("documents:receipt_pdf", args=[ready.pk]) in detail
    response = ready_client.get(reverse("documents:receipt_pdf", args=[ready.pk]))
    path = tmp_path / "receipt.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    record = ready.review_records.get()
    submitted = timezone.localtime(record.at)
    assert ready.filing_number in text
    assert f"{submitted.year}年{submitted.month}月{submitted.day}日 {submitted:%H:%M}" in text
    assert record.data_sha256[:32] in text.replace("\n", "")
    assert "安平县工业和信息化局" in text and "0318-7522345" in text


def test_an_office_without_a_recorded_name_is_named_alike_on_the_page_and_in_the_receipt(ready_client, ready, tmp_path):
    Division.objects.filter(code="131125").update(office_name="")
    submit(ready_client, ready)
    ready.refresh_from_db()
    assert progress_for(ready).next_actor == "安平县工业和信息化局"
    response = ready_client.get(reverse("documents:receipt_pdf", args=[ready.pk]))
    path = tmp_path / "receipt.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "安平县工业和信息化局" in text and "中小企业主管部门" not in text


def test_enterprise_downloads_its_own_documents_at_any_state(ready_client, ready):
    for action in (None, Action.SUBMIT):
        if action:
            submit(ready_client, ready)
        page = ready_client.get(reverse("applications:detail", args=[ready.pk])).content.decode()
        for name in ("documents:report_pdf", "documents:form_pdf"):
            url = reverse(name, args=[ready.pk])
            assert url in page
            assert ready_client.get(url).status_code == 200


def test_return_pointing_at_the_tax_certificate_is_seen_on_every_tab(ready_client, ready):
    submit(ready_client, ready)
    return_to_enterprise(ready, "material-tax")
    materials_url = reverse("applications:materials", args=[ready.pk])
    for name in ("applications:report", "applications:form", "applications:materials", "applications:submit"):
        page = ready_client.get(reverse(name, args=[ready.pk])).content.decode()
        assert "上一年度纳税证明未加盖税务部门印章" in page, name
        assert f'href="{materials_url}#material-tax"' in page, name
        assert "均已齐全" not in page, name
    materials = ready_client.get(materials_url).content.decode()
    assert "在本页" in materials
    home = ready_client.get(reverse("applications:home")).content.decode()
    assert f'href="{materials_url}#material-tax">按退回意见修改' in home
    assert "均已齐全" not in home
    assert "可以提交申报" not in home and "已退回修改：请按意见修改后重新提交申报" in home
    submit_page = ready_client.get(reverse("applications:submit", args=[ready.pk])).content.decode()
    assert "可以提交<" not in submit_page and "已退回修改：请按意见修改后重新提交申报" in submit_page


def test_officials_return_form_stores_the_targets(client, ready, ready_client):
    submit(ready_client, ready)
    client.force_login(county_official("131125"))
    page = client.get(reverse("review:application_detail", args=[ready.pk])).content.decode()
    assert 'value="material-tax"' in page
    client.post(
        reverse("review:transition", args=[ready.pk]),
        {"action": Action.COUNTY_RETURN, "opinion": "请补充盖章的纳税证明。", "return_targets": ["material-tax", "field-tax_total"],
         "expected_state": State.COUNTY_REVIEW},
    )
    record = ready.review_records.last()
    assert record.action == Action.COUNTY_RETURN
    assert record.return_targets == ["field-tax_total", "material-tax"]  # in the catalogue's order


def test_targets_are_refused_when_unknown_or_not_a_return(ready, ready_client):
    submit(ready_client, ready)
    with pytest.raises(TransitionRefused, match="无效"):
        return_to_enterprise(ready, "material-passwords")
    with pytest.raises(TransitionRefused, match="只有退回企业修改"):
        perform_transition(application_id=ready.pk, action=Action.COUNTY_REJECT, actor=county_official("131125"),
                           opinion="不符合", return_targets=["material-tax"])


def test_fixed_return_is_resubmitted(ready_client, ready):
    submit(ready_client, ready)
    return_to_enterprise(ready, "material-tax")
    add_material(ready, MaterialKind.TAX, name="纳税证明（盖章）.pdf")
    response = submit(ready_client, ready)
    ready.refresh_from_db()
    assert ready.state == State.COUNTY_REVIEW
    assert "退回修改意见" not in response.content.decode().split("办理过程")[0]  # no open return any more


def test_progress_names_who_acts_next_and_by_when(ready, campaign):
    today = campaign.opens_on
    assert progress_for(ready, today=today).next_actor.startswith("本企业")
    walk(ready, Action.SUBMIT)
    ready.refresh_from_db()
    progress = progress_for(ready, today=today)
    assert [status for _, status in progress.steps] == ["done", "current", "todo", "todo", "todo"]
    assert progress.next_actor == "安平县工业和信息化局" and progress.due == campaign.county_deadline
    # once the county deadline has passed it is no longer shown
    assert progress_for(ready, today=campaign.county_deadline + dt.timedelta(days=1)).due is None


def test_final_state_says_closed_and_whom_to_contact(ready):
    walk(ready, Action.SUBMIT, Action.COUNTY_REJECT)
    ready.refresh_from_db()
    progress = progress_for(ready)
    assert progress.final and "已办结" in progress.summary
    assert progress.contact == "安平县工业和信息化局（电话 0318-7522345）"
    assert progress.steps[-1] == ("不予推荐", "current")


def test_enterprise_deadline_disappears_once_submitted(ready_client, ready):
    deadline = ready.campaign.enterprise_deadline
    shown = f"企业申报截止：{deadline.year}年{deadline.month}月{deadline.day}日"
    assert shown in ready_client.get(reverse("applications:home")).content.decode()
    submit(ready_client, ready)
    assert shown not in ready_client.get(reverse("applications:home")).content.decode()


def test_stale_form_tab_keeps_the_typing_and_says_why(owner_client, draft):
    url = reverse("applications:form", args=[draft.pk])
    rows = partners(3)
    first = owner_client.post(url, form_data(draft, partners=rows, revenue="30000"))
    assert first.status_code == 302
    # the other tab still holds version 0 and the old rows' ids, which the first save replaced
    stale = form_data(draft, partners=rows, revenue="31000")
    stale.update({"version": 0, "partners-INITIAL_FORMS": 3, **{f"partners-{i}-id": 999 + i for i in range(3)}})
    response = owner_client.post(url, stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已在其他页面或窗口被修改" in page
    assert 'id="error-summary"' not in page  # nothing invisible is reported as an error
    assert 'value="31000"' in page and rows[2][1] in page
    again = owner_client.post(url, response.context["form"].data.dict())  # the page as shown, saved again
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.revenue == 31000 and draft.partners.count() == 3


def test_next_saves_and_moves_on(owner_client, draft):
    response = owner_client.post(reverse("applications:report", args=[draft.pk]),
                                 {"version": 0, "report_basic": "企业基本情况", "next": "form"})
    assert response.url == reverse("applications:form", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.report_basic == "企业基本情况"
    response = owner_client.post(reverse("applications:form", args=[draft.pk]),
                                 form_data(draft, revenue="30000", next="materials"))
    assert response.url == reverse("applications:materials", args=[draft.pk])
    assert Application.objects.get(pk=draft.pk).revenue == 30000


def test_materials_tab_numbers_materials_as_the_notice_does(owner_client, draft):
    page = owner_client.get(reverse("applications:materials", args=[draft.pk])).content.decode()
    for label in ("（一）河北省产业集群龙头企业申请报告", "（二）河北省产业集群龙头企业推荐审核表", "（三）县级中小企业管理部门核实情况证明",
                  "（五）税务部门开具的上一年度纳税证明"):
        assert label in page
    assert "第3步 上传材料（四至八）" in page
