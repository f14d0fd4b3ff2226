"""The officials' work lists in the browser: the county searches and sorts its queue and ticks rows to print, the
city sees a full cluster's button disabled with the reason, the province filters its list by a failing condition;
each list, and the application page, printed (print.css): no navigation or buttons, names on one line."""

import pytest
from playwright.sync_api import expect

from applications.models import Application
from review.models import ClusterQuota
from tests.browser.conftest import SCREENSHOTS
from tests.browser.seed import (
    Officials,
    forwarded_by_city,
    open_campaign,
    passed_by_county,
    submitted_application,
)
from tests.browser.test_accessibility import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "河北省衡水市安平县恒通丝网制品股份有限公司"


def printed(page, name):
    """The page as printed: what print.css hides is gone and names keep to one line."""
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("main button:visible")).to_have_count(0)
    expect(page.locator("main .pagination")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-print.png"), full_page=True)
    heights = page.locator("main .name-cell a").evaluate_all(
        "links => links.map(a => a.getClientRects().length)"
    )
    assert heights and all(lines == 1 for lines in heights), heights
    width = page.evaluate("document.querySelector('main table').getBoundingClientRect().right")
    assert width <= page.evaluate("document.documentElement.clientWidth") + 1
    page.emulate_media(media="screen")


def axe_clean(page, label):
    assert check_page(page, label, SCREENSHOTS) == []


def test_county_searches_sorts_ticks_and_prints(open_as, screenshot, live_server):
    officials = Officials()
    open_campaign()
    long = submitted_application(LONG_NAME)
    others = [submitted_application(f"安平县第{i}筛网有限公司") for i in range(3)]
    page = open_as(officials.county.username, bypass_csp=True)
    page.goto(live_server.url + "/review/county/queue/")
    expect(page.locator("#county-queue tbody tr[id^='row-']")).to_have_count(4)
    page.get_by_label("企业名称或统一社会信用代码").fill("恒通")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#county-queue tbody tr[id^='row-']")).to_have_count(1)
    page.goto(live_server.url + "/review/county/queue/")
    page.get_by_role("link", name="企业名称").click()
    expect(page.locator("th[aria-sort='ascending']")).to_have_text("企业名称 ↑")
    screenshot(page, "lists-01-county-queue")
    axe_clean(page, "lists-county-queue")
    printed(page, "lists-01-county-queue")

    page.get_by_label(f"选择 {long.enterprise.name}").check()
    page.get_by_label(f"选择 {others[0].enterprise.name}").check()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="打印所选").click()
    sheet = opened.value
    sheet.wait_for_load_state()
    expect(sheet.locator("section.print-sheet")).to_have_count(2)
    screenshot(sheet, "lists-02-print-selected")


def test_city_sees_why_a_full_cluster_cannot_forward(open_as, screenshot, live_server):
    officials = Officials()
    _, cluster = open_campaign()
    for rank in (1, 2, 3):
        forwarded_by_city(f"安平县上报{rank}号丝网有限公司", officials, rank=rank)
    waiting = passed_by_county(LONG_NAME, officials)
    Application.objects.filter(pk=waiting.pk).update(city_rank=4)  # ranked: only the full quota stands in the way
    assert ClusterQuota.objects.get(cluster=cluster).used == 3
    page = open_as(officials.city.username, bypass_csp=True)
    page.goto(live_server.url + "/review/city/")
    page.locator("a.stat-card", has_text="待市级审核").click()
    expect(page.locator("table.work-list tbody tr[id^='row-']")).to_have_count(1)
    row = page.locator(f"#row-{waiting.pk}")
    expect(row.get_by_role("button", name="审核通过并上报")).to_be_disabled()
    expect(row.locator(".blocked-reason")).to_contain_text("达到推荐上限")
    page.goto(live_server.url + "/review/city/clusters/")
    screenshot(page, "lists-03-city-clusters")
    axe_clean(page, "lists-city-clusters")
    printed(page, "lists-03-city-clusters")
    page.goto(live_server.url + f"/review/applications/{waiting.pk}/")
    expect(page.get_by_role("button", name="审核通过并上报")).to_be_disabled()
    expect(page.locator("#blocked-city_forward")).to_contain_text("达到推荐上限")
    screenshot(page, "lists-04-detail-disabled")
    page.emulate_media(media="print")
    expect(page.locator("#actions")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "lists-04-detail-print.png"), full_page=True)


def test_province_filters_by_a_failing_condition(open_as, screenshot, live_server):
    officials = Officials()
    open_campaign()
    weak = forwarded_by_city(LONG_NAME, officials, rank=1)
    # As if the county had verified rank 4 (the stored verdicts the lists filter on).
    Application.objects.filter(pk=weak.pk).update(unmet_conditions="A5")
    forwarded_by_city("安平县达标丝网有限公司", officials, rank=2)
    page = open_as(officials.province.username, bypass_csp=True)
    page.goto(live_server.url + "/review/province/applications/")
    expect(page.locator("#province-list tbody tr[id^='row-']")).to_have_count(2)
    page.get_by_label("申报条件").select_option("A5")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#province-list tbody tr[id^='row-']")).to_have_count(1)
    expect(page.locator(f"#row-{weak.pk} .conditions-cell")).to_contain_text("1 项不满足：A5")
    screenshot(page, "lists-05-province-list")
    axe_clean(page, "lists-province-list")
    printed(page, "lists-05-province-list")
