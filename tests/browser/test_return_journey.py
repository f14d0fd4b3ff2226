"""退回修改 as the people involved see it: the county returns with an opinion, the enterprise reads it, fixes what
was asked and submits again, and the application is back in the county's queue with the whole history."""

import pytest
from playwright.sync_api import expect

from applications.models import Application, MaterialKind, State
from tests.browser.seed import Officials, open_campaign, submitted_application
from tests.factories import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OURS = "安平县新星丝网有限公司"
OPINION = "集群内排名与统计部门数据不符，请更正为第2位，并补充上传2023年度纳税证明。"


def alert(page):
    return expect(page.locator("main .alert").first)


def test_returned_application_is_fixed_by_the_enterprise_and_resubmitted(open_as, screenshot, tmp_path):
    open_campaign()
    Officials()
    application = submitted_application(OURS, username="xinxing")
    old_tax = application.materials.get(kind=MaterialKind.TAX)

    # The county returns it; the opinion is required and goes to the enterprise.
    county = open_as("anping")
    county.click("nav >> text=初审队列")
    county.click(f"#county-queue >> text={OURS}")
    county.click("#actions button:has-text('退回修改')")
    alert(county).to_have_text("「退回修改」须填写意见或理由。")
    county.fill("#id_opinion", OPINION)
    county.fill("#id_internal_note", "统计局数据：排名第2。")
    county.click("#actions button:has-text('退回修改')")
    alert(county).to_have_text("已办理「退回修改」。")
    expect(county.locator("h1 .state-badge")).to_have_text("退回修改")
    screenshot(county, "21-county-returned")

    # The enterprise sees the state and the opinion (never the county's internal note) on its home page.
    enterprise = open_as("xinxing")
    expect(enterprise.locator(".state-badge").first).to_have_text("退回修改")
    expect(enterprise.locator("#return-opinion")).to_contain_text(OPINION)
    expect(enterprise.locator("#return-opinion")).to_contain_text("安平县 · 县级审核员")
    expect(enterprise.locator(".card", has_text="办理过程与审核意见")).to_contain_text(f"意见：{OPINION}")
    assert "统计局数据" not in enterprise.content()
    screenshot(enterprise, "22-enterprise-returned")

    # It fixes the rank, replaces the tax certificate and submits again; nothing else it entered was lost.
    enterprise.click("a.btn:has-text('按退回意见修改')")
    enterprise.click(".application-steps >> text=第2步 推荐审核表")
    assert enterprise.input_value("#id_revenue").replace(",", "") in ("52000.00", "52000")
    enterprise.fill("#id_cluster_rank", "2")
    enterprise.click("button:has-text('保存草稿')")
    alert(enterprise).to_contain_text("推荐审核表已保存为草稿")
    enterprise.click(".application-steps >> text=第3步 上传材料")
    tax = tmp_path / "2023年度纳税证明.pdf"
    tax.write_bytes(MINIMAL_PDF)
    enterprise.set_input_files("#material-tax input[type=file]", str(tax))
    enterprise.locator("#material-tax").get_by_role("button", name="替换").click()
    expect(enterprise.locator("#material-tax")).to_contain_text("2023年度纳税证明.pdf")
    expect(enterprise.locator("#material-tax")).not_to_contain_text("营业执照.pdf")  # replaced, not added
    enterprise.click(".application-steps >> text=提交申报")
    enterprise.click("form.submit-form button[type=submit]")
    expect(enterprise.locator(".state-badge").first).to_have_text("待县级初审")
    screenshot(enterprise, "23-enterprise-resubmitted")

    # Back in the county's queue, with the declared rank corrected and the history in order.
    county.click("nav >> text=初审队列")
    county.click(f"#county-queue >> text={OURS}")
    expect(county.locator("h1 .state-badge")).to_have_text("待县级初审")
    steps = county.locator("#timeline li").all_inner_texts()
    assert [s.split()[0] for s in steps] == ["提交申报", "退回修改", "提交申报"]
    assert OPINION in steps[1]
    screenshot(county, "24-county-resubmitted")

    application = Application.objects.get(pk=application.pk)
    assert application.state == State.COUNTY_REVIEW and application.cluster_rank == 2
    assert application.partners.count() == 12 and application.honours.count() == 3
    new_tax = application.materials.get(kind=MaterialKind.TAX)
    assert new_tax.original_name == "2023年度纳税证明.pdf" and new_tax.pk != old_tax.pk
