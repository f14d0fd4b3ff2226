"""A first-time enterprise from the front page to its 提交回执: reads the 办事指南, downloads a template, registers,
types yuan into a 万元 field and is stopped, submits, reads the 申报编号 from the receipt; then a return pointing at
the 纳税证明 is seen on the materials tab, fixed and resubmitted. Screenshots: front page, returned materials tab,
the form at 390 px."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from demo.seed import synthetic_credit_code
from tests.browser.conftest import download, pdf_text
from tests.browser.seed import Officials, open_campaign
from tests.factories import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HONOURS = [
    ("famous_trademark", "provincial", "河北省著名商标", "2019", "河北省工商行政管理局"),
    ("credit", "provincial", "河北省守合同重信用企业", "2021", "河北省市场监督管理局"),
    ("high_tech", "national", "高新技术企业证书", "2022", "河北省科学技术厅"),
]
OPINION = "上一年度纳税证明未加盖税务部门印章，请上传盖章的纳税证明后重新提交。"
PHONE = 390


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_front_page_to_receipt_and_a_return_that_leads_to_the_fix(page, open_as, screenshot, tmp_path):
    campaign, _ = open_campaign()
    Officials()
    base = page.base_url

    # The front page says what to prepare, before any account exists
    page.goto(base + "/")
    expect(page.locator("h1")).to_contain_text("办事指南")
    expect(page.locator("#conditions")).to_contain_text("年营业收入1亿元以上，纳税总额500万元以上")
    screenshot(page, "30-front-page")
    page.set_viewport_size({"width": PHONE, "height": 844})
    assert fits_the_screen(page)
    screenshot(page, "30-front-page-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=阅读通知全文")
    expect(page.locator("main")).to_contain_text("冀企产〔2024〕12号")
    page.go_back()
    outline = download(page, lambda: page.click("text=下载申请报告提纲（Word，可编辑）"), tmp_path)
    assert outline.suffix == ".docx"
    assert "自主创新" in zipfile.ZipFile(outline).read("word/document.xml").decode()

    # Register (the 图形验证码 answers PASSED in tests)
    page.click(".front-hero >> text=注册企业账号")
    page.select_option("#id_county", "131125")
    page.fill("#id_name", "安平县新星丝网有限公司")
    page.fill("#id_credit_code", "91131125MA0CX7R254")
    page.fill("#id_legal_representative", "王强")
    page.fill("#id_address", "河北省衡水市安平县工业园区8号")
    page.fill("#id_contact_name", "赵丽")
    page.fill("#id_contact_phone", "13812345678")
    page.fill("#id_email", "zhaoli@example.cn")
    page.fill("#id_username", "xinxing")
    page.fill("#id_password1", "Wire#mesh2024")
    page.fill("#id_password2", "Wire#mesh2024")
    page.fill("#id_captcha_1", "PASSED")  # CAPTCHA_TEST_MODE
    page.click("button:has-text('注册')")
    page.wait_for_url("**/enterprise/")
    page.click("button:has-text('开始申报')")

    # 申请报告, then 「保存并下一步」 saves and moves on
    for n, area in enumerate(page.locator("textarea").all()):
        area.fill(f"第{n + 1}部分：企业情况。")
    page.click("button:has-text('保存并下一步：推荐审核表')")
    expect(page.locator(".application-steps .active")).to_have_text("第2步 推荐审核表")

    # 推荐审核表 with revenue typed in 元 (320,000,000) instead of 万元
    values = {
        "established_on": "2005-03-01", "revenue": "320000000", "tax_total": "2600", "net_profit": "4100",
        "total_assets": "80000", "owners_equity": "48000", "rd_spend": "1600", "cluster_rank": "2",
        "iso9000_number": "00123Q45678R0M", "iso9000_issuer": "中国质量认证中心", "iso9000_valid_until": "2030-12-31",
        "rd_institution_name": "河北省丝网工程技术研究中心", "patents_invention": "2", "patents_utility": "5",
        "employees": "860", "rd_staff": "96", "contact_mobile": "13812345678", "postcode": "053600",
    }
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.select_option("#id_independent_legal_person", "true")
    for i, (kind, level, name, year, issuer) in enumerate(HONOURS):
        if i:
            page.click("[data-add-row=honours]")
        page.select_option(f"#id_honours-{i}-kind", kind)
        page.select_option(f"#id_honours-{i}-level", level)
        page.fill(f"#id_honours-{i}-name", name)
        page.fill(f"#id_honours-{i}-year", year)
        page.fill(f"#id_honours-{i}-issuer", issuer)
    for i in range(10):
        page.fill(f"#id_partners-{i}-name", f"安平县协作企业{i + 1}")
        page.fill(f"#id_partners-{i}-credit_code", synthetic_credit_code("131125", 8000 + i))
        page.fill(f"#id_partners-{i}-cooperation", "零部件配套")
    for name in ("declares_policy_compliance", "declares_no_accidents", "declares_no_violations", "declares_truthful"):
        page.check(f"#id_{name}")
    page.click("button:has-text('保存草稿')")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("营业收入")
    expect(summary).to_contain_text("是否把「元」填成了「万元」")
    expect(page.locator("#id_confirm_large_amounts")).to_be_visible()
    assert page.input_value("#id_revenue") == "320000000"  # kept as typed
    assert Application.objects.get().revenue is None  # nothing saved
    summary.locator("a").first.click()
    page.fill("#id_revenue", "32,000")
    page.click("button:has-text('保存并下一步：上传材料')")
    expect(page.locator(".alert").first).to_contain_text("推荐审核表已保存为草稿")
    expect(page.locator(".application-steps .active")).to_contain_text("第3步 上传材料")

    # Materials （四）–（七）, then submit
    pdf = tmp_path / "执照.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    for kind in ("licence", "tax", "credit", "honours"):
        page.set_input_files(f"#material-{kind} input[type=file]", str(pdf))
        page.click(f"#material-{kind} button[type=submit]")
        expect(page.locator(f"#material-{kind}")).to_contain_text("执照.pdf")
    page.click(".application-steps >> text=第4步 提交申报")
    page.click("form.submit-form button[type=submit]")
    expect(page.locator(".state-badge").first).to_have_text("待县级初审")
    application = Application.objects.get()
    assert re.fullmatch(rf"{campaign.year}-131125-\d{{4}}", application.filing_number)
    expect(page.locator("#progress-summary")).to_contain_text("下一步办理")
    receipt = download(page, lambda: page.click("text=提交回执（PDF）"), tmp_path)
    text = pdf_text(receipt)
    assert "提交回执" in text and application.filing_number in text

    # The county returns it, pointing at the 纳税证明
    county = open_as("anping")
    county.click("nav >> text=初审队列")
    county.click("#county-queue >> text=安平县新星丝网有限公司")
    county.click("text=退回企业修改时，指明需修改的内容")
    county.check("#target-material-tax")
    county.fill("#id_opinion", OPINION)
    county.click("#actions button:has-text('退回修改')")
    expect(county.locator("h1 .state-badge")).to_have_text("退回修改")

    # The enterprise is led to the 纳税证明 and sees the opinion on the materials tab
    page.goto(base + "/enterprise/")
    expect(page.locator("#return-opinion")).to_contain_text(OPINION)
    page.click("a.btn:has-text('按退回意见修改')")
    expect(page).to_have_url(re.compile(r".*/materials/#material-tax$"))
    opinion = page.locator("#return-opinion")
    expect(opinion).to_contain_text(OPINION)
    expect(opinion).to_contain_text("（五）税务部门开具的上一年度纳税证明")
    expect(opinion).to_contain_text("在本页")
    assert "均已齐全" not in page.content()
    screenshot(page, "31-returned-materials-tab")

    # The form at 390 px: stacked rows, nothing off the screen
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.click(".application-steps >> text=第2步 推荐审核表")
    expect(page.locator("#return-opinion")).to_contain_text(OPINION)
    expect(page.locator("#id_honours-0-issuer")).to_be_visible()
    expect(page.locator("#honours-0-row input[name$='DELETE']")).to_be_visible()
    expect(page.locator("#id_partners-0-credit_code")).to_be_visible()
    assert fits_the_screen(page)
    screenshot(page, "32-form-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Fixed and resubmitted; the 申报编号 stays
    page.click(".application-steps >> text=第3步 上传材料")
    stamped = tmp_path / "纳税证明（盖章）.pdf"
    stamped.write_bytes(MINIMAL_PDF)
    page.set_input_files("#material-tax input[type=file]", str(stamped))
    page.locator("#material-tax").get_by_role("button", name="替换").click()
    expect(page.locator("#material-tax")).to_contain_text("纳税证明（盖章）.pdf")
    page.click(".application-steps >> text=第4步 提交申报")
    page.click("form.submit-form button[type=submit]")
    expect(page.locator(".state-badge").first).to_have_text("待县级初审")
    resubmitted = Application.objects.get()
    assert resubmitted.state == State.COUNTY_REVIEW
    assert resubmitted.filing_number == application.filing_number
