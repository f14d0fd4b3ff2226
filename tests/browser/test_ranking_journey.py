"""The city's ranking as the officials work it: the city is refused a forward before it has ranked the whole cluster
(the reason on the page, its opinion kept), ranks, forwards each with its own opinion in rank order, withdraws a
forward (the slot comes back: 2/3) and returns one application to the county, which reads the city's opinion on its
queue and at the top of the application's page; the province returns a forward to the city, which reads its opinion
on the cluster page (the slot freed again: 1/3)."""

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from review.models import ClusterQuota, ReviewRecord
from tests.browser.conftest import SCREENSHOTS, accept_dialogs
from tests.browser.seed import Officials, open_campaign, passed_by_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ("安平县新星丝网有限公司", "安平县恒通丝网制品有限公司", "安平县盛达金属网业有限公司", "安平县宏远筛网有限公司")
RETURN_OPINION = "核实情况证明中的集群内排名与统计部门数据不一致，请县级重新核实后再报。"
PROVINCE_OPINION = "该企业科技投入占比依据不足，请市级复核后重新上报。"


def alert(page):
    return expect(page.locator("main .alert").first)


def row(page, scope, text):
    return page.locator(f"{scope} tr", has_text=text)


def opinion_box(page, cluster, name):
    return row(page, cluster, name).get_by_label(f"{name} 市级审核意见")


def forward(page, cluster, name, opinion):
    opinion_box(page, cluster, name).fill(opinion)
    row(page, cluster, name).get_by_role("button", name="审核通过并上报").click()


def city_is_refused_then_ranks_and_forwards(page, screenshot, cluster):
    first, second, third, fourth = NAMES
    page.click("nav >> text=按集群排序与上报")
    expect(page.locator(f"{cluster} .quota")).to_have_text("0/3")

    # No ranking yet: the forward is refused, the reason says what is missing and the opinion stays in its box.
    forward(page, cluster, first, "集群内综合实力第一，同意上报。")
    alert(page).to_contain_text(
        f"「{first}」未上报：上报前须先为「安平县丝网产业集群」的全部 4 件待市级审核申报填写推荐排序并保存"
    )
    expect(opinion_box(page, cluster, first)).to_have_value("集群内综合实力第一，同意上报。")
    expect(page.locator(f"{cluster} .quota")).to_have_text("0/3")
    screenshot(page, "30-city-forward-refused-unranked")

    for rank, name in enumerate(NAMES, start=1):
        page.get_by_label(f"{name} 推荐排序").fill(str(rank))
    page.click(f"{cluster} button:has-text('保存排序')")
    alert(page).to_contain_text("集群内推荐排序已保存（调整 4 家）")

    # Out of order: the third before the second is refused, naming the one to forward next.
    forward(page, cluster, third, "同意上报。")
    alert(page).to_contain_text(f"须按推荐排序依次上报：下一家应为推荐排序第 1 位的「{first}」。")

    for rank, name in enumerate((first, second, third), start=1):
        forward(page, cluster, name, f"推荐排序第{rank}位，同意上报。")
        alert(page).to_have_text(f"已办理「审核通过并上报」：{name}。")
    expect(page.locator(f"{cluster} .quota")).to_have_text("3/3")
    screenshot(page, "31-city-forwarded")
    return fourth


def city_withdraws_a_forward(page, screenshot, cluster):
    third = NAMES[2]
    asked = accept_dialogs(page)
    row(page, cluster, third).get_by_role("button", name="撤回上报").click()
    alert(page).to_have_text("已办理「撤回上报」。")
    assert asked == [f"确定撤回上报「{third}」？撤回后释放本集群的推荐名额。"]
    expect(page.locator(f"{cluster} .quota")).to_have_text("2/3")
    expect(row(page, cluster, third).locator(".state-badge")).to_have_text("待市级审核")
    expect(row(page, cluster, third).get_by_label(f"{third} 推荐排序")).to_have_value("3")
    screenshot(page, "32-city-withdrawn")


def province_returns_to_the_city(page, screenshot, application):
    page.goto(page.base_url + f"/review/applications/{application.pk}/")
    page.click("#actions button:has-text('退回市级')")
    alert(page).to_have_text("「退回市级」须填写意见或理由。")
    page.fill("#id_opinion", PROVINCE_OPINION)
    page.locator("#actions").screenshot(path=str(SCREENSHOTS / "36-province-return-to-city.png"))
    page.click("#actions button:has-text('退回市级')")
    alert(page).to_have_text("已办理「退回市级」。")
    expect(page.locator("h1 .state-badge")).to_have_text("待市级审核")


def city_reads_the_province_opinion(page, screenshot, cluster, name):
    page.click("nav >> text=按集群排序与上报")
    expect(page.locator(f"{cluster} .quota")).to_have_text("1/3")
    expect(row(page, cluster, name).locator(".return-opinion")).to_have_text(f"河北省退回意见：{PROVINCE_OPINION}")
    screenshot(page, "35-city-cluster-province-opinion")


def city_returns_to_the_county(page, screenshot, cluster, name):
    row(page, cluster, name).get_by_role("link", name=name).click()
    page.fill("#id_opinion", RETURN_OPINION)
    page.click("#actions button:has-text('退回修改（退回县级）')")
    alert(page).to_have_text("已办理「退回修改（退回县级）」。")


def county_reads_the_opinion(page, screenshot, name):
    page.click("nav >> text=初审队列")
    line = row(page, "#county-queue", name)
    expect(line.locator(".return-opinion")).to_have_text(f"衡水市退回意见：{RETURN_OPINION}")
    screenshot(page, "33-county-queue-return-opinion")
    line.get_by_role("link", name=name).click()
    top = page.locator("#return-opinion")
    expect(top).to_contain_text("衡水市退回意见")
    expect(top).to_contain_text("退回修改（退回县级）")
    expect(top).to_contain_text(RETURN_OPINION)
    assert top.bounding_box()["y"] < page.locator("#conditions").bounding_box()["y"]
    screenshot(page, "34-county-detail-return-opinion")


def test_city_ranks_before_forwarding_withdraws_a_forward_and_the_county_reads_the_return(open_as, screenshot):
    campaign, _ = open_campaign()
    officials = Officials()
    applications = [passed_by_county(name, officials) for name in NAMES]
    cluster = f"#cluster-{applications[0].cluster_id}"

    city = open_as("hengshui")
    fourth = city_is_refused_then_ranks_and_forwards(city, screenshot, cluster)
    city_withdraws_a_forward(city, screenshot, cluster)
    city_returns_to_the_county(city, screenshot, cluster, fourth)
    county_reads_the_opinion(open_as("anping"), screenshot, fourth)
    province_returns_to_the_city(open_as("hebei"), screenshot, applications[1])
    city_reads_the_province_opinion(city, screenshot, cluster, NAMES[1])

    assert dict(Application.objects.values_list("enterprise__name", "state")) == {
        NAMES[0]: State.PROVINCE_REVIEW, NAMES[1]: State.CITY_REVIEW,
        NAMES[2]: State.CITY_REVIEW, NAMES[3]: State.COUNTY_REVIEW,
    }
    assert ClusterQuota.objects.get(campaign=campaign, cluster_id=applications[0].cluster_id).used == 1
    assert list(
        ReviewRecord.objects.filter(action="city_forward").order_by("at", "id").values_list("opinion", flat=True)
    ) == ["推荐排序第1位，同意上报。", "推荐排序第2位，同意上报。", "推荐排序第3位，同意上报。"]
    assert ReviewRecord.objects.filter(action="city_withdraw_forward", application=applications[2]).count() == 1
