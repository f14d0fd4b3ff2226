"""After the meeting, as the province and the public would: the 拟认定名单 is published, a visitor objects with a PDF,
the province upholds the objection, 认定 waits for the period and then awards the others; a revoked certificate's
QR page reads 已撤销 with the date, an expired one 已过期."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, State
from review.models import Certificate, Objection, Publicity
from tests.browser.conftest import download, pdf_text
from tests.factories import MINIMAL_PDF
from tests.titles.helpers import closed_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publicity_objection_award_revocation_and_expiry(page, open_as, screenshot, tmp_path, live_server):
    province_user, meeting, applications = closed_meeting(3)
    objected = applications[1]
    province = open_as(province_user.username)

    # The province publishes the list from the 公示 page.
    province.click("nav >> text=省级审定")
    province.click("main >> text=称号与统计")
    province.click("text=拟认定名单公示与异议")
    expect(province.locator("#id_meeting")).to_contain_text(meeting.name)
    province.click("button:has-text('发布公示')")
    expect(province.locator("main .alert").first).to_contain_text("已发布拟认定名单公示")
    publicity = Publicity.objects.get()

    # Anyone objects, with a PDF as evidence.
    page.goto(live_server.url + "/public/publicity/")
    expect(page.locator("main")).to_contain_text(objected.enterprise.name)
    screenshot(page, "40-publicity-public")
    page.click("text=提出异议")
    page.select_option("#id_entry", label=f"2. {objected.enterprise.name}")
    page.fill("#id_name", "张三")
    page.fill("#id_phone", "13800000000")
    page.fill("#id_content", "该企业近两年发生过安全生产事故，附事故通报。")
    evidence = tmp_path / "事故通报.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    page.set_input_files("#id_evidence", str(evidence))
    page.fill("#id_captcha_1", "PASSED")
    screenshot(page, "41-objection-form")
    page.click("button:has-text('提交异议')")
    expect(page.locator("#objection-reference")).to_have_text("YY2024-0001")
    assert Objection.objects.get().evidence_name == "事故通报.pdf"

    # 认定 is refused while the 公示 runs.
    province.goto(live_server.url + f"/review/province/meetings/{meeting.pk}/")
    province.on("dialog", lambda dialog: dialog.accept())
    province.click("form button:has-text('认定')")
    expect(province.locator("main .alert").first).to_contain_text("公示期满后方可认定")

    # The province upholds the objection.
    province.goto(live_server.url + f"/review/province/publicity/{publicity.pk}/")
    province.check("input[value=upheld]")
    province.fill("textarea[name=reason]", "经核查，该企业2025年发生一般安全生产事故，情况属实。")
    province.click("button:has-text('保存处理结果')")
    expect(province.locator("main")).to_contain_text("异议成立")
    screenshot(province, "42-objection-upheld")

    # The period ends; 认定 awards the others and declines the one the objection was upheld against.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Publicity.objects.filter(pk=publicity.pk).update(starts_on=yesterday - dt.timedelta(days=6), ends_on=yesterday)
    province.goto(live_server.url + f"/review/province/meetings/{meeting.pk}/")
    province.click("form button:has-text('认定')")
    expect(province.locator("main .alert").first).not_to_contain_text("暂不能认定")
    states = dict(Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("pk", "state"))
    assert states[objected.pk] == State.NOT_AWARDED
    assert [states[a.pk] for a in (applications[0], applications[2])] == [State.AWARDED, State.AWARDED]

    # Revocation from 证书管理; the certificate's QR page then reads 已撤销 with the date.
    revoked = Certificate.objects.get(application=applications[0])
    province.click("nav >> text=省级审定")
    province.click("main >> text=称号与统计")
    province.click("text=证书管理（撤销、换发）")
    province.click(f"text={revoked.number}")
    province.select_option("#id_revoke-ground", value="illegal")
    province.fill("#id_revoke-basis", "冀企产〔2026〕5号")
    province.fill("#id_revoke-reason", "经查，该企业存在偷税行为，已受行政处罚。")
    province.click("button:has-text('撤销称号')")
    expect(province.locator("#certificate-status")).to_contain_text("已撤销")
    page.goto(live_server.url + f"/verify/{revoked.token}")
    expect(page.locator("#verify-result")).to_contain_text(f"已撤销（{timezone.localdate():%Y年%-m月%-d日}）")
    screenshot(page, "43-verify-revoked")

    # The 撤销称号通报, from 证书管理: it lists the revocation, with its number and the 文号 entered.
    province.click("nav >> text=省级审定")
    province.click("main >> text=称号与统计")
    province.click("text=证书管理（撤销、换发）")
    expect(province.locator("#revocation-notice-heading").locator("..")).to_contain_text("有 1 项撤销尚未通报")
    province.click("text=发布撤销称号通报")
    expect(province.locator("#pending-revocations")).to_contain_text(revoked.number)
    province.fill("#id_document_number", "冀中小企〔2026〕12号")
    province.click("button:has-text('发布撤销称号通报')")
    expect(province.locator("#revocation-notices")).to_contain_text("冀中小企〔2026〕12号")
    screenshot(province, "45-revocation-notice-issued")
    notice = download(province, lambda: province.click("#revocation-notices >> text=冀中小企〔2026〕12号（PDF）"), tmp_path)
    text = pdf_text(notice).replace(" ", "")
    assert revoked.number in text and "冀中小企〔2026〕12号" in text and "存在违法违纪等问题" in text

    expired = Certificate.objects.get(application=applications[2])
    Certificate.objects.filter(pk=expired.pk).update(expires_on=yesterday)
    page.goto(live_server.url + f"/verify/{expired.token}")
    expect(page.locator("#verify-result")).to_contain_text("已过期")

    province.click("nav >> text=省级审定")
    province.click("main >> text=称号与统计")
    expect(province.locator("#chart-by-city svg")).to_be_visible()
    screenshot(province, "44-province-dashboard")
