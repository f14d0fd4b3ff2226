"""As the province and the 系统管理员 would: one 抽查 per campaign, a redraw only with a reason (both kept), the
seed replayed to show the same sample; and the division admin saying how many in-flight applications stay with
their city when the routing changes."""

import pytest
from playwright.sync_api import expect

from applications.models import State
from portal.directory.models import Division
from review.models import SpotCheckDraw
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import check_page
from tests.factories import PASSWORD, ClusterFactory, EnterpriseFactory, province_official, sysadmin
from tests.review.journey import application_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def province(open_as):
    """The province's browser, allowed to take axe-core in (bypass_csp), signed in through the login form."""
    return open_as(province_official().username, bypass_csp=True)


def test_draw_redraw_with_a_reason_and_replay_the_seed(province, screenshot, live_server):
    for n in range(5):  # at most three per cluster reach the province
        cluster = ClusterFactory(name=f"安平县产业集群{n}", county_id="131125", industry="丝网")
        application_in(State.PROVINCE_REVIEW, enterprise=EnterpriseFactory(cluster=cluster))
    province.goto(live_server.url + "/review/province/spot-checks/")
    expect(province.locator("main")).to_contain_text("按存储的随机种子复核抽样结果")
    province.fill("#id_share_percent", "40")
    province.click("main form button:has-text('抽查')")
    expect(province.locator("main h1")).to_have_text("抽查结果")
    first = SpotCheckDraw.objects.get()

    # The seed replayed over the stored population gives the stored sample.
    province.click("button:has-text('按存储的随机种子复核抽样结果')")
    expect(province.locator("#replay-verdict")).to_contain_text("与原抽样结果一致")
    expect(province.locator("#replay-sample li")).to_have_count(len(first.drawn))
    assert check_page(province, "spot-check-replay", None) == []
    screenshot(province, "70-spot-check-replay")

    # A second draw needs a reason, next to its box.
    province.goto(live_server.url + "/review/province/spot-checks/")
    province.fill("#id_share_percent", "100")
    province.click("main form button:has-text('重新抽取')")
    expect(province.locator("main")).to_contain_text("重新抽取须填写理由。")
    assert SpotCheckDraw.objects.count() == 1
    province.fill("#id_reason", "首次抽取时两家申报尚未上报，扩大到全部")
    province.click("main form button:has-text('重新抽取')")
    expect(province.locator("#redraw-reason")).to_contain_text("首次抽取时两家申报尚未上报")

    province.goto(live_server.url + "/review/province/spot-checks/")
    rows = province.locator("#spot-check-draws tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("现行")
    expect(rows.nth(1)).to_contain_text("已被重新抽取替换")
    expect(province.locator("#current-draw")).to_contain_text("重新抽取理由：首次抽取时两家申报尚未上报")
    assert check_page(province, "spot-checks", None) == []
    screenshot(province, "71-spot-checks-redrawn")


def test_the_division_admin_warns_that_in_flight_applications_stay(page, screenshot, live_server):
    cluster = ClusterFactory(name="容城县服装产业集群", county_id="130629", industry="服装")
    for state in (State.COUNTY_REVIEW, State.CITY_REVIEW, State.PROVINCE_REVIEW):
        application_in(state, enterprise=EnterpriseFactory(cluster=cluster))
    admin_user = sysadmin()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + "/admin/directory/division/130629/change/")
    expect(page.get_by_role("group", name="申报路由")).to_contain_text("容城县现有 3 件在办申报（保定市 3 件）")
    screenshot(page, "72-division-routing-note")
    page.select_option("#id_reviewing_city", "133100")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("3 件在办申报（保定市 3 件）仍由原审核单位办理")
    assert Division.objects.get(code="130629").reviewing_city_id == "133100"
    page.screenshot(path=str(SCREENSHOTS / "73-division-routing-warning.png"))  # the top, where the warning is
