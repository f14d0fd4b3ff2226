"""A county official passes an application that fails two conditions, as a recorded decision: the queue's badge
shows the failures, the verification page takes the county's verdicts on B1, C5, E3, E4, the application page asks
to confirm and give the reason, 办理记录 keeps it, and the 推荐审核表 PDF prints it beside the county's opinion."""

import subprocess

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from review.services import county_verification_save
from tests.browser.conftest import SCREENSHOTS, download, pdf_text
from tests.browser.seed import DECLARED, Officials, open_campaign, submitted_application
from tests.browser.test_accessibility import AXE_JS, AXE_TAGS, FAILING_IMPACTS, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OURS = "安平县恒信丝网有限公司"
REASON = "集群内排名按2023年统计口径为第3位，县政府专题会议同意推荐。"
RED, GREEN, AMBER = "rgb(176, 42, 55)", "rgb(20, 108, 67)", "rgb(122, 90, 0)"


def axe_problems(page):
    page.add_script_tag(path=str(AXE_JS))
    return [f"{v['rule']}: {v['targets'][:3]} {v['why']}" for v in page.evaluate(RUN_AXE, AXE_TAGS)
            if v["impact"] in FAILING_IMPACTS]


def test_county_passes_a_failing_application_with_a_recorded_reason(open_as, live_server, screenshot, tmp_path):
    if not AXE_JS.exists():
        pytest.fail("找不到 axe-core：请运行 npm ci --prefix tests/browser（make test 会自动安装）")
    officials = Officials()
    open_campaign()
    application = submitted_application(OURS)
    # The county's first verification found rank 4 (A5) and 47.5% equity (E1).
    county_verification_save(
        application_id=application.pk, actor=officials.county, version=0,
        data={**{n: getattr(application, n) for n in DECLARED}, "cluster_rank": 4, "owners_equity": 38000, "remarks": ""},
    )
    page = open_as("anping", bypass_csp=True)
    page.goto(live_server.url + "/review/county/queue/")
    line = page.locator("#county-queue tr", has_text=OURS)
    expect(line.locator(".conditions-badge.verdict-unmet")).to_have_text("✗2 项不满足：A5、E1")
    expect(line.locator(".conditions-badge.verdict-unmet")).to_have_attribute("title", "不满足：A5、E1")
    expect(line.locator(".conditions-badge.verdict-pending")).to_contain_text("4 项待核实")
    screenshot(page, "override-01-county-queue")

    # The county records its verdicts on B1, C5, E3 (E4 still to be checked).
    line.get_by_role("link", name="核实情况证明").click()
    for code in ("B1", "C5", "E3"):
        page.locator(f"input[name=check_{code}][value=met]").check()
    page.fill("#id_note_B1", "环保部门无处罚记录")
    assert axe_problems(page) == []
    screenshot(page, "override-01b-verification-verdicts")
    page.click("button:has-text('保存核实情况证明')")
    expect(page.locator("main .alert").first).to_contain_text("核实情况证明已保存")

    # The conditions table: red 不满足, green 满足, amber 待核实, each with its mark.
    a5, b1, e4 = (page.locator(f"#condition-{code} td").nth(2) for code in ("A5", "B1", "E4"))
    expect(a5).to_have_text("✗不满足")
    expect(a5).to_have_css("color", RED)
    expect(b1).to_have_text("✓满足")
    expect(b1).to_have_css("color", GREEN)
    expect(e4).to_have_text("?待核实")
    expect(e4).to_have_css("color", AMBER)
    expect(page.locator("#condition-B1")).to_contain_text("经核实符合（县级核实）：环保部门无处罚记录")
    box = page.locator("#override-box")
    expect(box).to_contain_text("我已知悉以下条件不满足：A5、E1，仍决定通过，理由如下")
    assert axe_problems(page) == []
    page.locator("#conditions").screenshot(path=str(tmp_path / "conditions.png"))
    screenshot(page, "override-02-county-detail-verdicts")

    # Passing without confirming is refused, with the failing conditions named.
    page.fill("#id_opinion", "同意推荐。")
    page.click("#actions button:has-text('初审通过')")
    expect(page.locator("main .alert").first).to_contain_text("以下条件不满足：A5（集群内企业规模和经济实力排名前3位）")
    assert Application.objects.get(pk=application.pk).state == State.COUNTY_REVIEW

    page.check("#id_override_confirmed")
    page.fill("#id_override_reason", REASON)
    screenshot(page, "override-03-confirmation")
    page.click("#actions button:has-text('初审通过')")
    expect(page.locator("main .alert").first).to_have_text("已办理「初审通过」。")
    expect(page.locator("#timeline")).to_contain_text(f"知悉不满足：A5、E1，仍决定初审通过。理由：{REASON}")
    screenshot(page, "override-04-timeline")

    pdf = download(page, lambda: page.click("text=推荐审核表（PDF）"), tmp_path)
    text = pdf_text(pdf).replace(" ", "").replace("\n", "")
    assert "县级初审意见" in text
    text = text.replace("县级初审意见", "")  # the block's title, beside the wrapped reason in the layout
    assert f"知悉以下条件不满足：A5、E1，仍决定“初审通过”。理由：{REASON}" in text
    assert "待核实" not in text  # decided: E4 reads 县级未单独核实
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / "override-05-form-pdf")], check=True)
