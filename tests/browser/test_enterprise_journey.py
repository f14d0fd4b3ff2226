"""As a user would in the browser: register, fill in, see which conditions fail and why, fix, upload, submit."""

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from applications.selectors import applications_visible_to
from demo.seed import synthetic_credit_code
from tests.factories import MINIMAL_PDF, CampaignFactory, ClusterFactory, county_official, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HONOURS = [
    ("famous_trademark", "provincial", "河北省著名商标", "2019", "河北省工商行政管理局"),
    ("credit", "provincial", "河北省守合同重信用企业", "2021", "河北省市场监督管理局"),
    ("high_tech", "national", "高新技术企业证书", "2022", "河北省科学技术厅"),
]


def unmet(browser_page):
    rows = browser_page.locator("#eligibility-checklist tbody tr").all_inner_texts()
    return sorted(row.split()[0].rstrip("*") for row in rows if "不满足" in row)


def test_new_enterprise_registers_fills_in_fixes_and_submits(page, screenshot, tmp_path):
    CampaignFactory()
    ClusterFactory()
    ClusterFactory(name="清河县羊绒及制品产业集群", county_id="130534", industry="羊绒")
    base = page.base_url

    # Registration: the cluster list follows the county
    page.goto(base + "/accounts/login/")
    page.click("text=注册企业账号")
    page.select_option("#id_county", "131125")
    assert page.locator("#id_cluster option").all_inner_texts() == ["请选择", "安平县丝网产业集群"]
    page.fill("#id_name", "安平县新星丝网有限公司")
    page.fill("#id_credit_code", "91131125ma0cx7r254")
    page.fill("#id_legal_representative", "王强")
    page.fill("#id_address", "河北省衡水市安平县工业园区8号")
    page.fill("#id_contact_name", "赵丽")
    page.fill("#id_contact_phone", "0318-7521234")
    page.fill("#id_email", "zhaoli@example.cn")
    page.fill("#id_username", "xinxing")
    page.fill("#id_password1", "Wire#mesh2024")
    page.fill("#id_password2", "Wire#mesh2024")
    page.fill("#id_captcha_1", "PASSED")  # CAPTCHA_TEST_MODE
    screenshot(page, "01-register")
    page.click("button:has-text('注册')")
    page.wait_for_url("**/enterprise/")
    page.click("button:has-text('开始申报')")

    # 申请报告
    for n, area in enumerate(page.locator("textarea").all()):
        area.fill(f"第{n + 1}部分：企业情况。")
    assert "已输入 10 字 / 最多 5000 字" in page.locator(".char-count").first.inner_text()
    page.click("button:has-text('保存草稿')")
    expect(page.locator("main .alert").first).to_contain_text("申请报告已保存为草稿")
    screenshot(page, "02-report")
    page.click(".application-steps >> text=第2步 推荐审核表")

    # 推荐审核表 with two figures below the thresholds and nine partners
    values = {
        "established_on": "2005-03-01", "revenue": "52,000", "tax_total": "2600", "total_assets": "80000",
        "owners_equity": "38000", "rd_spend": "1000", "cluster_rank": "2", "iso9000_number": "00123Q45678R0M",
        "iso9000_issuer": "中国质量认证中心", "iso9000_valid_until": "2030-12-31",
        "rd_institution_name": "河北省丝网工程技术研究中心", "patents_invention": "2", "patents_utility": "5",
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
    for i in range(9):
        page.fill(f"#id_partners-{i}-name", f"安平县协作企业{i + 1}")
        page.fill(f"#id_partners-{i}-credit_code", synthetic_credit_code("131125", 8000 + i))
        page.fill(f"#id_partners-{i}-cooperation", "零部件配套")
    for name in ("declares_policy_compliance", "declares_no_accidents", "declares_no_violations", "declares_truthful"):
        page.check(f"#id_{name}")
    # the live checklist says which conditions fail, with the numbers, before anything is saved
    # (locator waits: CSP forbids the eval behind wait_for_function)
    page.locator("#condition-D1", has_text="带动中小企业 9 家").wait_for()
    page.locator("#condition-E4", has_text="待核实").wait_for()  # the last box ticked has reached the checklist
    assert "尚未保存" in page.locator("#checklist-status").inner_text()
    assert unmet(page) == ["C2", "D1", "E1"]
    assert "科技投入占营业收入 1.92%，低于 3%" in page.locator("#condition-C2").inner_text()
    assert "47.50%，未超过 50%" in page.locator("#condition-E1").inner_text()
    screenshot(page, "03-form-failing")
    page.click("button:has-text('保存草稿')")
    expect(page.locator(".alert").first).to_contain_text("推荐审核表已保存为草稿")

    # fix them
    page.fill("#id_owners_equity", "48000")
    page.fill("#id_rd_spend", "2080")
    page.fill("#id_partners-9-name", "安平县协作企业10")
    page.fill("#id_partners-9-credit_code", synthetic_credit_code("131125", 8009))
    page.fill("#id_partners-9-cooperation", "委托加工")
    page.locator("#condition-D1", has_text="带动中小企业 10 家").wait_for()
    page.locator("#condition-E1", has_text="60.00%，超过 50%").wait_for()
    page.locator("#condition-C2", has_text="4.00%，达到 3%").wait_for()
    assert unmet(page) == []
    page.click("button:has-text('保存草稿')")

    # materials: a disguised file is refused, real ones are stored
    pdf, png, fake = tmp_path / "执照.pdf", tmp_path / "商标.png", tmp_path / "假的.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    png.write_bytes(png_bytes())
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.click(".application-steps >> text=第3步 上传材料")
    page.set_input_files("#material-licence input[type=file]", str(fake))
    page.click("#material-licence button[type=submit]")
    expect(page.locator(".alert").first).to_contain_text("不是 PDF、JPG 或 PNG 文件")
    for kind in ("licence", "tax", "credit"):
        page.set_input_files(f"#material-{kind} input[type=file]", str(pdf))
        page.click(f"#material-{kind} button[type=submit]")
        expect(page.locator(f"#material-{kind}")).to_contain_text("执照.pdf")
    page.set_input_files("#material-honours input[type=file]", [str(pdf), str(png)])
    page.click("#material-honours button[type=submit]")
    expect(page.locator(".alert").first).to_contain_text("已上传「执照.pdf」、「商标.png」")
    screenshot(page, "04-materials")

    # 提交申报
    page.click(".application-steps >> text=第4步 提交申报")
    expect(page.locator("main")).to_contain_text("必填内容和必须满足的申报条件均已齐全")
    page.click("form.submit-form button[type=submit]")
    expect(page.locator(".state-badge").first).to_have_text("待县级初审")
    screenshot(page, "05-submitted")

    application = Application.objects.get(enterprise__credit_code="91131125MA0CX7R254")
    assert application.state == State.COUNTY_REVIEW
    assert application.partners.count() == 10 and application.materials.count() == 5
    assert applications_visible_to(county_official("131125")).filter(pk=application.pk).exists()
    assert not applications_visible_to(county_official("130534")).filter(pk=application.pk).exists()
