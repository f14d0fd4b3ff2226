"""As the officials would in the browser: the county verifies and passes, the city ranks and forwards (and is
refused a 4th in the cluster), the province spot-checks, holds the meeting and awards; the enterprise downloads
its certificate, whose QR code leads to the public page that shows it genuine; the province exports the 汇总表."""

import shutil

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, State
from review.models import Certificate
from tests.browser.conftest import SCREENSHOTS, accept_dialogs, download, pdf_text, qr_codes
from tests.browser.seed import (
    Officials,
    forwarded_by_city,
    open_campaign,
    passed_by_county,
    submitted_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OURS = "安平县新星丝网有限公司"
CERTIFICATE_NUMBER = "冀企产龙〔2024〕第001号"
COUNTY_OPINION = "经核实，该企业符合申报条件，同意推荐。"
CITY_OPINION = "经审核，该企业在集群内综合实力居前，同意上报。"


def alert(page):
    return expect(page.locator("main .alert").first)


def row(page, scope, text):
    return page.locator(f"{scope} tr", has_text=text)


def badge(locator):
    return expect(locator.locator(".state-badge").first)


def county_verifies_and_passes(page, screenshot):
    expect(page.locator("main")).to_contain_text("1 件待县级初审")
    screenshot(page, "06-county-home")
    page.click("nav >> text=初审队列")
    badge(row(page, "#county-queue", OURS)).to_have_text("待县级初审")
    screenshot(page, "07-county-queue")

    row(page, "#county-queue", OURS).get_by_role("link", name="核实情况证明").click()
    # The tax records show a lower revenue than declared: the county enters what it verified and says why.
    page.fill("#id_revenue", "51800")
    page.fill("#id_remarks", "营业收入按税务部门申报数据核实为51800万元。")
    screenshot(page, "08-county-verification")
    page.click("button:has-text('保存核实情况证明')")
    alert(page).to_contain_text("核实情况证明已保存")
    expect(page.locator("#verification")).to_contain_text("51,800.00")

    page.fill("#id_opinion", COUNTY_OPINION)
    page.click("#actions button:has-text('初审通过')")
    alert(page).to_have_text("已办理「初审通过」。")
    badge(page.locator("h1")).to_have_text("待市级审核")
    screenshot(page, "09-county-passed")


def city_ranks_and_forwards(page, screenshot, application, fourth):
    expect(page.locator("main")).to_contain_text("2 件待市级审核")
    screenshot(page, "10-city-home")
    page.click("nav >> text=按集群排序与上报")
    cluster = f"#cluster-{application.cluster_id}"
    expect(page.locator(f"{cluster} .quota")).to_have_text("2/3")
    page.get_by_label(f"{OURS} 推荐排序").fill("3")
    page.get_by_label(f"{fourth.enterprise.name} 推荐排序").fill("4")
    page.click(f"{cluster} button:has-text('保存排序')")
    alert(page).to_contain_text("集群内推荐排序已保存（调整 2 家）")
    screenshot(page, "11-city-ranked")

    row(page, cluster, OURS).get_by_label(f"{OURS} 市级审核意见").fill(CITY_OPINION)
    row(page, cluster, OURS).get_by_role("button", name="审核通过并上报").click()
    alert(page).to_have_text(f"已办理「审核通过并上报」：{OURS}。")
    expect(page.locator(f"{cluster} .quota")).to_have_text("3/3")

    # The 4th in the same cluster: the quota is full, so its button is disabled and says why before any click.
    fourth_row = row(page, cluster, fourth.enterprise.name)
    expect(fourth_row.get_by_role("button", name="审核通过并上报")).to_be_disabled()
    expect(fourth_row.locator(".blocked-reason")).to_have_text("「安平县丝网产业集群」本批次已上报 3 家，达到推荐上限，不能再上报。")
    badge(fourth_row).to_have_text("待市级审核")
    screenshot(page, "12-city-quota-refused")


def city_issues_recommendation_letter(page, screenshot, tmp_path):
    """推荐文件: the city enters 发文字号, 签发人 and 成文日期, then downloads the 公文 that prints them."""
    page.click("nav >> text=按集群排序与上报")
    page.click("text=推荐文件")
    page.fill("#id_document_number", "衡工信字〔2024〕15号")
    page.fill("#id_signer", "张建国")
    page.fill("#id_dated", "2024-10-28")
    page.fill("#id_contact_name", "赵丽")
    page.fill("#id_contact_phone", "0318-2123456")
    page.click("button:has-text('登记发文信息')")
    alert(page).to_have_text("推荐文件已登记：衡工信字〔2024〕15号。")
    screenshot(page, "12b-city-letter-issued")
    pdf = download(page, lambda: page.click("#letter-downloads >> text=推荐文件（PDF）"), tmp_path)
    text = pdf_text(pdf).replace(" ", "")
    assert "衡工信字〔2024〕15号" in text and "签发人：张建国" in text and "2024年10月28日" in text
    assert OURS in text


def province_spot_checks(page, screenshot):
    expect(page.locator("main")).to_contain_text("3 件待省级审定")
    screenshot(page, "13-province-home")
    page.click("nav >> text=抽查")
    page.fill("#id_share_percent", "100")
    page.click("main button:has-text('抽查')")
    alert(page).to_contain_text("已抽取 3 件（共 3 件，比例 100%）")
    ours = page.locator("section[id^=check-]", has_text=OURS)
    ours.get_by_label("抽查结果").select_option(label="符合")
    ours.get_by_label("抽查情况").fill("现场核对营业执照、纳税证明原件，与申报一致。")
    ours.get_by_role("button", name="保存结果").click()
    alert(page).to_have_text("抽查结果已记录。")
    expect(page.locator("section[id^=check-]", has_text=OURS).locator(".spot-pass")).to_have_text("符合")
    screenshot(page, "14-province-spot-check")


def province_holds_meeting_and_awards(page, screenshot, second, declined):
    asked = accept_dialogs(page)
    page.click("nav >> text=会议研究")
    page.fill("#id_name", "2024年度龙头企业认定专题会议")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_minutes_number", "冀企产会纪〔2024〕7号")
    page.click("button:has-text('创建会议')")
    alert(page).to_contain_text("已创建会议「2024年度龙头企业认定专题会议」")

    for name, decision, rank, note in [
        (OURS, "认定", "1", ""),
        (second.enterprise.name, "认定", "2", ""),
        (declined.enterprise.name, "不予认定", "", "纳税证明与税务部门数据不一致。"),
    ]:
        line = row(page, "#meeting-candidates", name)
        line.locator("select").select_option(label=decision)
        line.locator("input[name^=rank_]").fill(rank)
        line.locator("input[name^=note_]").fill(note)
    page.click("button:has-text('保存会议结论')")
    alert(page).to_contain_text("会议结论已保存")
    screenshot(page, "15-province-meeting")

    page.click("button:has-text('结束会议（锁定结论）')")
    alert(page).to_have_text("会议已结束，结论已锁定。")
    page.get_by_role("button", name="认定", exact=True).click()
    alert(page).to_have_text("已认定 2 家（按认定排序颁发证书编号），不予认定 1 家。")
    assert asked[0].startswith("结束会议后") and asked[1].startswith("按会议结论办理")
    badge(row(page, "#meeting-decisions", OURS)).to_have_text("已认定")
    expect(row(page, "#meeting-decisions", OURS)).to_contain_text(CERTIFICATE_NUMBER)
    badge(row(page, "#meeting-decisions", declined.enterprise.name)).to_have_text("未予认定")
    screenshot(page, "16-province-awarded")


def enterprise_downloads_certificate(page, screenshot, tmp_path):
    card = page.locator(".card", has_text="已认定为河北省产业集群龙头企业")
    expect(card).to_contain_text(f"证书编号：{CERTIFICATE_NUMBER}")
    screenshot(page, "17-enterprise-certificate")
    pdf = download(page, lambda: card.get_by_role("link", name="下载证书").click(), tmp_path)
    assert pdf.name == f"{OURS}-证书.pdf" and pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    assert CERTIFICATE_NUMBER in text and OURS in text and "河北省中小企业局" in text
    return pdf


def province_exports_summary(page, screenshot, tmp_path, application):
    page.click("nav >> text=申报列表")
    screenshot(page, "20-province-list")
    path = download(page, lambda: page.click("text=导出汇总表"), tmp_path)
    assert path.name == "2024年度河北省产业集群龙头企业汇总表（全省）.xlsx"
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "河北省产业集群龙头企业汇总表"
    header = next(r for r in rows if r[0] == "序号")
    column = {name.replace("\n", ""): i for i, name in enumerate(header)}  # headers wrap at sensible points
    listed = [r for r in rows if isinstance(r[0], int)]
    # the three forwarded to the province, by the city's 推荐顺序; the refused 4th is not among them
    assert [r[column["推荐顺序"]] for r in listed] == [1, 2, 3]
    ours = listed[2]
    assert ours[column["企业名称"]] == OURS
    assert ours[column["统一社会信用代码"]] == application.enterprise.credit_code
    assert (ours[column["设区市"]], ours[column["产业集群"]]) == ("衡水市", "安平县丝网产业集群")
    assert ours[column["营业收入（万元）"]] == 51800  # the county's verified figure, as a number
    assert ours[column["县级初审意见"]] == COUNTY_OPINION
    assert ours[column["市级审核意见"]] == CITY_OPINION
    assert (ours[column["省级认定结果"]], ours[column["证书编号"]].replace("\n", "")) == ("已认定", CERTIFICATE_NUMBER)
    assert listed[1][column["省级认定结果"]] == "未予认定"


def test_application_is_verified_forwarded_spot_checked_awarded_and_its_certificate_verified(
    page, open_as, screenshot, settings, tmp_path
):
    settings.PUBLIC_BASE_URL = page.base_url  # the certificate's QR code then leads to this live server
    campaign, _ = open_campaign()
    officials = Officials()
    application = submitted_application(OURS, username="xinxing")
    second = forwarded_by_city("安平县恒通丝网制品有限公司", officials, rank=1, cluster_rank=2)
    declined = forwarded_by_city("安平县盛达金属网业有限公司", officials, rank=2, cluster_rank=3)
    fourth = passed_by_county("安平县宏远筛网有限公司", officials, cluster_rank=3)

    county_verifies_and_passes(open_as("anping"), screenshot)
    city = open_as("hengshui")
    city_ranks_and_forwards(city, screenshot, application, fourth)
    city_issues_recommendation_letter(city, screenshot, tmp_path)
    province = open_as("hebei")
    province_spot_checks(province, screenshot)
    province_holds_meeting_and_awards(province, screenshot, second, declined)
    pdf = enterprise_downloads_certificate(open_as("xinxing"), screenshot, tmp_path)

    # Anyone who scans the certificate's QR code (here: in a browser nobody is logged in to) sees it is genuine.
    [url] = qr_codes(pdf)
    shutil.copy(pdf.with_suffix(".png"), SCREENSHOTS / "18-certificate-pdf.png")
    assert url == page.base_url + f"/verify/{Certificate.objects.get(application=application).token}"
    page.goto(url)
    expect(page.locator("#verify-result")).to_contain_text("证书真实有效。")
    expect(page.locator("main")).to_contain_text(OURS)
    expect(page.locator("main")).to_contain_text(CERTIFICATE_NUMBER)
    screenshot(page, "19-verify-certificate")

    province_exports_summary(province, screenshot, tmp_path, application)

    assert dict(Application.objects.values_list("enterprise__name", "state")) == {
        OURS: State.AWARDED, second.enterprise.name: State.AWARDED,
        declined.enterprise.name: State.NOT_AWARDED, fourth.enterprise.name: State.CITY_REVIEW,
    }
    numbers = Certificate.objects.filter(campaign=campaign).order_by("serial")
    assert [(c.application_id, c.number) for c in numbers] == [
        (application.pk, CERTIFICATE_NUMBER), (second.pk, "冀企产龙〔2024〕第002号"),
    ]
