"""The officials' work lists (county queue, city clusters, province list): pages, search, sort, filters, the figures
in the rows, the ticked rows' ZIP and print view, buttons that say why they cannot act, and flat query counts."""

import datetime as dt
import io
import itertools
import zipfile
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from portal.directory.models import Campaign, Cluster, Division
from review import selectors
from review.models import ClusterQuota, CountyVerification
from review.workflow import TRANSITIONS, Action
from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    ClusterFactory,
    EnterpriseFactory,
    city_official,
    county_official,
    enterprise_user,
    province_official,
)
from tests.review.journey import actor_for, application_in, qinghe_enterprise, verify

pytestmark = pytest.mark.django_db
NUMBERS = itertools.count(1)

COUNTY_URL = "review:county_queue"
CITY_URL = "review:city_clusters"
PROVINCE_URL = "review:province_list"


def row(state, *, cluster=None, name=None, revenue="20000.00", tax="800.00", unmet="", pending="", verified=None):
    """A submitted application straight from the factory (fast): the lists read only stored columns."""
    n = next(NUMBERS)
    enterprise = EnterpriseFactory(cluster=cluster or ClusterFactory(), **({"name": name} if name else {}))
    application = ApplicationFactory(
        enterprise=enterprise, state=state, submitted_at=timezone.now() - dt.timedelta(minutes=n),
        revenue=Decimal(revenue), tax_total=Decimal(tax), total_assets=Decimal("30000"), owners_equity=Decimal("20000"),
        cluster_rank=1, unmet_conditions=unmet, pending_conditions=pending, report_basic="报告正文" * 50,
        reviewing_city_id=enterprise.county.reviewing_city_id, reviewing_county_id=enterprise.county_id,
    )
    if verified is not None:
        CountyVerification.objects.create(
            application=application, revenue=Decimal(verified[0]), tax_total=Decimal(verified[1]),
            total_assets=Decimal("30000"), owners_equity=Decimal("20000"), cluster_rank=2,
            verified_by=county_official("131125"),
        )
    return application


def rows_of(page):
    return [
        tr.get("id").removeprefix("row-")
        for tr in lxml.html.fromstring(page).xpath("//table[contains(@class, 'work-list')]/tbody/tr[starts-with(@id, 'row-')]")
    ]


def get(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Query counts: the same at N and 10N rows, with and without search, filter and sort
# ---------------------------------------------------------------------------------------------------------------

N = 4


def _count(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), captured, response.content.decode()


def flat(client, name, grow, params, django_assert_num_queries):
    url = reverse(name)
    grow(N)
    client.get(url, params)  # fills the cached filter choices (new clusters drop them)
    small, captured, page = _count(client, url, params)
    shown_small = len(rows_of(page))
    grow(9 * N)  # now 10N
    client.get(url, params)
    with django_assert_num_queries(small):
        client.get(url, params)
    large, captured, page = _count(client, url, params)
    assert len(rows_of(page)) > shown_small > 0
    # The list loads what the row shows: never the report texts.
    assert not [q["sql"] for q in captured if "report_basic" in q["sql"]]
    return large


def county_rows(n):
    cluster = ClusterFactory(name=f"计数集群{next(NUMBERS)}", county_id="131125", industry="测试")
    for i in range(n):
        row(State.COUNTY_REVIEW, cluster=cluster, unmet="A5" if i % 2 else "", verified=("19000", "800") if i % 3 else None)


def city_rows(n):
    for i in range(n):
        cluster = ClusterFactory(name=f"市级计数集群{next(NUMBERS)}", county_id="131125", industry="测试")
        row(State.CITY_REVIEW, cluster=cluster, unmet="E1" if i % 2 else "", verified=("19000", "700"))
        row(State.PROVINCE_REVIEW, cluster=cluster, verified=("20000", "800"))


def province_rows(n):
    for _ in range(n):
        cluster = ClusterFactory(name=f"省级计数集群{next(NUMBERS)}", county_id="131125", industry="测试")
        row(State.PROVINCE_REVIEW, cluster=cluster, unmet="A5", verified=("19000", "800"))
        row(State.AWARDED, cluster=cluster)


@pytest.mark.parametrize("params", [{}, {"condition": "unmet", "sort": "-revenue", "q": "有限公司"}])
def test_county_queue_queries_do_not_grow(client, django_assert_num_queries, params):
    client.force_login(county_official("131125"))
    flat(client, COUNTY_URL, county_rows, {"state": "all", **params}, django_assert_num_queries)


@pytest.mark.parametrize("params", [{}, {"sort": "name", "q": "有限公司"}])
def test_city_clusters_queries_do_not_grow(client, django_assert_num_queries, params):
    client.force_login(city_official("131100"))
    flat(client, CITY_URL, city_rows, params, django_assert_num_queries)


@pytest.mark.parametrize("params", [{}, {"state": State.AWARDED, "sort": "-name"}])
def test_province_list_queries_do_not_grow(client, django_assert_num_queries, params):
    client.force_login(province_official())
    flat(client, PROVINCE_URL, province_rows, params, django_assert_num_queries)


# ---------------------------------------------------------------------------------------------------------------
# Search, sort, filters, pages
# ---------------------------------------------------------------------------------------------------------------


def test_search_by_name_or_credit_code(client):
    one = row(State.COUNTY_REVIEW, name="安平县恒通丝网制品有限公司")
    other = row(State.COUNTY_REVIEW, name="安平县瑞达筛网有限公司")
    client.force_login(county_official("131125"))
    assert rows_of(get(client, COUNTY_URL, q="恒通")) == [str(one.pk)]
    code = other.enterprise.credit_code
    assert rows_of(get(client, COUNTY_URL, q=code[-8:].lower())) == [str(other.pk)]
    assert rows_of(get(client, COUNTY_URL, q="不存在的企业")) == []
    assert "没有符合条件的申报" in get(client, COUNTY_URL, q="不存在的企业")


def test_sort_by_a_column_both_ways_with_aria_sort(client):
    names = ["乙丝网有限公司", "甲丝网有限公司", "丙丝网有限公司"]
    made = {name: row(State.COUNTY_REVIEW, name=name) for name in names}
    client.force_login(county_official("131125"))
    ascending = rows_of(get(client, COUNTY_URL, sort="name"))
    expected = [str(made[n].pk) for n in sorted(names)]
    assert ascending == expected
    page = get(client, COUNTY_URL, sort="-name")
    assert rows_of(page) == expected[::-1]
    header = lxml.html.fromstring(page).xpath("//th[@aria-sort='descending']")
    assert [h.text_content().strip() for h in header] == ["企业名称 ↓"]
    # The header of the current sort turns it round; the others sort ascending, and the search stays.
    link = lxml.html.fromstring(get(client, COUNTY_URL, sort="name", q="丝网")).xpath("//th[@aria-sort='ascending']/a")[0]
    assert "sort=-name" in link.get("href") and "q=" in link.get("href")
    # An unknown key falls back to the default order (oldest submission first) instead of failing.
    assert rows_of(get(client, COUNTY_URL, sort="password")) == [str(a.pk) for a in sorted(made.values(), key=lambda a: a.submitted_at)]


def test_sort_by_verified_revenue(client):
    low = row(State.COUNTY_REVIEW, revenue="90000", verified=("12000", "600"))
    high = row(State.COUNTY_REVIEW, revenue="15000", verified=("15000", "600"))
    unverified = row(State.COUNTY_REVIEW, revenue="13000")
    client.force_login(county_official("131125"))
    assert rows_of(get(client, COUNTY_URL, sort="-revenue")) == [str(high.pk), str(unverified.pk), str(low.pk)]


def test_sort_by_failing_conditions_puts_the_most_failures_first(client):
    two = row(State.COUNTY_REVIEW, unmet="A5 E1")
    none = row(State.COUNTY_REVIEW)
    one = row(State.COUNTY_REVIEW, unmet="A3", pending="B1")
    client.force_login(county_official("131125"))
    assert rows_of(get(client, COUNTY_URL, sort="-conditions")) == [str(two.pk), str(one.pk), str(none.pk)]


def test_filters_state_cluster_and_failing_conditions(client):
    mesh = ClusterFactory()
    other = ClusterFactory(name="安平县筛网产业集群")
    a5 = row(State.COUNTY_REVIEW, cluster=mesh, unmet="A5 E1")
    e1 = row(State.COUNTY_REVIEW, cluster=other, unmet="E1")
    clean = row(State.COUNTY_REVIEW, cluster=mesh, pending="B1")
    passed = row(State.CITY_REVIEW, cluster=mesh)
    client.force_login(county_official("131125"))
    ids = lambda **p: set(rows_of(get(client, COUNTY_URL, **p)))  # noqa: E731
    assert ids() == {str(a.pk) for a in (a5, e1, clean)}
    assert ids(state="all") == {str(a.pk) for a in (a5, e1, clean, passed)}
    assert ids(state=State.CITY_REVIEW) == {str(passed.pk)}
    assert ids(cluster=other.pk) == {str(e1.pk)}
    assert ids(condition="unmet") == {str(a5.pk), str(e1.pk)}
    assert ids(condition="A5") == {str(a5.pk)}
    assert ids(condition="pending") == {str(clean.pk)}
    assert ids(condition="E1", cluster=mesh.pk) == {str(a5.pk)}
    assert ids(cluster="not-a-number", q="") == {str(a.pk) for a in (a5, e1, clean)}  # a bad value is dropped


def test_a_county_queue_tab_is_not_reported_as_an_error(client):
    row(State.COUNTY_REVIEW)
    row(State.CITY_REVIEW)
    client.force_login(county_official("131125"))
    for state in ("", State.COUNTY_REVIEW, State.CITY_REVIEW, State.RETURNED, "all"):
        page = client.get(reverse(COUNTY_URL), {"state": state, "cluster": "", "q": ""}).content.decode()
        assert "初审队列" in page
        assert "error-summary" not in page and "<title>错误" not in page, state


def test_the_row_shows_declared_and_differing_verified_figures(client):
    differs = row(State.COUNTY_REVIEW, revenue="52000.00", tax="2600.00", verified=("48000.00", "2600.00"), unmet="A5")
    client.force_login(county_official("131125"))
    tree = lxml.html.fromstring(get(client, COUNTY_URL))
    cells = [td.text_content().strip() for td in tree.xpath(f"//tr[@id='row-{differs.pk}']/td[contains(@class, 'figure-cell')]")]
    assert cells == ["52,000.00核实 48,000.00不一致", "2,600.00"]  # amounts as every document writes them
    assert tree.xpath(f"//tr[@id='row-{differs.pk}']/td[contains(@class, 'conditions-cell')]")[0].text_content().strip() == "✗1 项不满足：A5"


def test_pages_of_twenty_or_as_many_as_asked_with_an_accessible_pager(client):
    cluster = ClusterFactory()
    made = [row(State.PROVINCE_REVIEW, cluster=cluster) for _ in range(53)]
    client.force_login(province_official())
    pages = [get(client, PROVINCE_URL, sort="name", page=n) for n in (1, 2, 3)]
    assert [len(rows_of(p)) for p in pages] == [20, 20, 13]
    assert set().union(*(rows_of(p) for p in pages)) == {str(a.pk) for a in made}
    assert "共 53 件" in pages[0]
    sizes = lxml.html.fromstring(pages[0]).xpath("//p[contains(@class, 'page-sizes')]")[0]
    assert " ".join(sizes.text_content().split()) == "每页显示 20 / 50 / 100 条"
    assert sizes.xpath(".//*[@aria-current]")[0].text_content() == "20"
    fifty = sizes.xpath(".//a[text()='50']")[0].get("href")
    assert fifty == "?sort=name&per_page=50"  # back to the first page

    first = get(client, PROVINCE_URL, sort="name", per_page=50)
    second = get(client, PROVINCE_URL, sort="name", per_page=50, page=2)
    assert len(rows_of(first)) == 50 and len(rows_of(second)) == 3
    nav = lxml.html.fromstring(second).xpath("//nav[@aria-label='分页']")[0]
    assert nav.xpath(".//*[@aria-current='page']")[0].text_content() == "第 2 / 2 页"
    previous = nav.xpath(".//a[@rel='prev']")[0]
    assert previous.text_content() == "上一页" and "page=1" in previous.get("href")
    assert "sort=name" in previous.get("href") and "per_page=50" in previous.get("href")
    assert len(rows_of(get(client, PROVINCE_URL, per_page=37))) == 20  # only the sizes offered


def test_the_city_list_is_paginated_by_rows_and_stays_grouped_by_cluster(client):
    clusters = [ClusterFactory(name=f"分页集群{i}") for i in range(3)]
    for cluster in clusters:
        for _ in range(20):
            row(State.CITY_REVIEW, cluster=cluster)
    client.force_login(city_official("131100"))
    first, second = get(client, CITY_URL, per_page=50), get(client, CITY_URL, per_page=50, page=2)
    assert len(rows_of(first)) == 50 and len(rows_of(second)) == 10
    sections = [s.get("id") for s in lxml.html.fromstring(first).xpath("//section[starts-with(@id, 'cluster-')]")]
    assert sections == [f"cluster-{c.pk}" for c in clusters]
    assert [s.get("id") for s in lxml.html.fromstring(second).xpath("//section[starts-with(@id, 'cluster-')]")] == [f"cluster-{clusters[2].pk}"]
    # The third cluster spans both pages, and says so on each.
    assert "本页显示 10 件，共 20 件，其余在相邻页" in first and "本页显示 10 件，共 20 件，其余在相邻页" in second
    assert first.count("其余在相邻页") == 1


def test_each_list_searches_and_filters_its_own_jurisdiction_only(client):
    ours = row(State.CITY_REVIEW, name="衡水某丝网有限公司")
    theirs = ApplicationFactory(
        enterprise=qinghe_enterprise(name="清河某羊绒有限公司"), state=State.CITY_REVIEW, submitted_at=timezone.now(),
    )
    client.force_login(city_official("131100"))
    assert rows_of(get(client, CITY_URL, q="有限公司")) == [str(ours.pk)]
    assert str(theirs.pk) not in rows_of(get(client, CITY_URL, cluster=theirs.cluster_id))
    client.force_login(province_official())
    assert set(rows_of(get(client, PROVINCE_URL, q="有限公司", state=State.CITY_REVIEW))) == {str(ours.pk), str(theirs.pk)}


# ---------------------------------------------------------------------------------------------------------------
# Cached filter choices
# ---------------------------------------------------------------------------------------------------------------


def cluster_options(client):
    page = lxml.html.fromstring(get(client, PROVINCE_URL))
    return [o.text_content() for o in page.xpath("//select[@id='filter-cluster']/option")]


def test_cluster_choices_come_from_the_cache_and_follow_changes(client, django_assert_num_queries):
    CampaignFactory()
    cluster = ClusterFactory(name="缓存测试产业集群")
    client.force_login(province_official())
    assert "缓存测试产业集群" in cluster_options(client)
    with CaptureQueriesContext(connection) as captured:
        cluster_options(client)
    assert not [q for q in captured if 'FROM "directory_cluster"' in q["sql"]]  # from the cache
    cluster.name = "缓存测试产业集群（更名）"
    cluster.save()
    assert "缓存测试产业集群（更名）" in cluster_options(client)
    cluster.delete()
    assert not [o for o in cluster_options(client) if o.startswith("缓存测试")]


def test_city_choices_follow_a_division_change(client):
    CampaignFactory()
    client.force_login(province_official())
    page = lxml.html.fromstring(get(client, PROVINCE_URL))
    assert "衡水市" in [o.text_content() for o in page.xpath("//select[@id='filter-city']/option")]
    city = Division.objects.get(code="131100")
    city.name = "衡水市（测试）"
    city.save()
    page = lxml.html.fromstring(get(client, PROVINCE_URL))
    assert "衡水市（测试）" in [o.text_content() for o in page.xpath("//select[@id='filter-city']/option")]


def test_a_county_is_offered_its_own_clusters(client):
    CampaignFactory()
    ClusterFactory()
    Cluster.objects.get_or_create(name="清河县羊绒及制品产业集群", county_id="130534", industry="羊绒", confirmed_year=2020)
    client.force_login(county_official("131125"))
    options = [o.text_content() for o in lxml.html.fromstring(get(client, COUNTY_URL)).xpath("//select[@id='filter-cluster']/option")]
    assert "安平县丝网产业集群" in options and "清河县羊绒及制品产业集群" not in options


# ---------------------------------------------------------------------------------------------------------------
# Ticked rows: one ZIP of their 材料包, or a print view
# ---------------------------------------------------------------------------------------------------------------


def test_the_batch_zip_holds_exactly_the_ticked_applications(client):
    first, second, third = (application_in(State.COUNTY_REVIEW) for _ in range(3))
    client.force_login(county_official("131125"))
    response = client.get(reverse("documents:dossiers_zip"), {"pk": [first.pk, second.pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names == [
        f"01-{first.enterprise.name}-2024年度申报材料包.zip", f"02-{second.enterprise.name}-2024年度申报材料包.zip",
    ]
    inner = zipfile.ZipFile(io.BytesIO(archive.read(names[0])))
    assert "清单.csv" in inner.namelist() and "01_一-申请报告.pdf" in inner.namelist()
    assert third.enterprise.name not in "".join(names)


def test_the_batch_refuses_an_application_outside_the_jurisdiction(client):
    ours = application_in(State.COUNTY_REVIEW)
    theirs = application_in(State.COUNTY_REVIEW, enterprise=qinghe_enterprise())
    client.force_login(county_official("131125"))
    for name in ("documents:dossiers_zip", "documents:print_applications"):
        assert client.get(reverse(name), {"pk": [ours.pk, theirs.pk]}).status_code == 404
        assert client.get(reverse(name), {"pk": ["x"]}).status_code == 404
        queue = "http://testserver" + reverse(COUNTY_URL)
        for params, message in (({}, "请先勾选"), ({"pk": list(range(1, 30))}, "每次最多选择 20 件")):
            response = client.get(reverse(name), params, headers={"referer": queue}, follow=True)
            assert response.redirect_chain[-1][0] == queue
            assert message in response.content.decode()
        assert client.get(reverse(name), headers={"referer": "https://elsewhere.example/"})["Location"] == "/"
    client.force_login(enterprise_user(ours.enterprise))
    assert client.get(reverse("documents:dossiers_zip"), {"pk": [ours.pk]}).status_code == 403


def test_the_print_view_shows_the_ticked_applications_a_sheet_each(client):
    verified = application_in(State.COUNTY_REVIEW)
    verify(verified, revenue=Decimal("9000.00"))
    other = application_in(State.COUNTY_REVIEW)
    skipped = application_in(State.COUNTY_REVIEW)
    client.force_login(county_official("131125"))
    page = client.get(reverse("documents:print_applications"), {"pk": [verified.pk, other.pk]}).content.decode()
    tree = lxml.html.fromstring(page)
    assert [s.get("id") for s in tree.xpath("//section[contains(@class, 'print-sheet')]")] == [f"sheet-{verified.pk}", f"sheet-{other.pk}"]
    assert skipped.enterprise.name not in page
    sheet = tree.xpath(f"//*[@id='sheet-{verified.pk}']")[0].text_content()
    assert "9,000.00" in sheet and "不满足" in sheet
    assert "尚未填写核实情况证明" in tree.xpath(f"//*[@id='sheet-{other.pk}']")[0].text_content()


def test_lists_offer_the_batch_controls_and_link_the_print_stylesheet(client):
    application = row(State.COUNTY_REVIEW)
    client.force_login(county_official("131125"))
    tree = lxml.html.fromstring(get(client, COUNTY_URL))
    assert tree.xpath("//link[@rel='stylesheet'][@media='print']")[0].get("href").endswith("css/print.css")
    box = tree.xpath(f"//tr[@id='row-{application.pk}']//input[@name='pk']")[0]
    assert box.get("form") == "batch-form" and box.get("value") == str(application.pk)
    actions = {b.text_content(): b.get("formaction") for b in tree.xpath("//form[@id='batch-form']//button[@formaction]")}
    assert actions == {
        "下载所选材料包（ZIP）": reverse("documents:dossiers_zip"), "打印所选": reverse("documents:print_applications"),
    }
    detail = lxml.html.fromstring(get_detail(client, application))
    assert detail.xpath("//link[@media='print']")[0].get("href").endswith("css/print.css")


def get_detail(client, application):
    return client.get(reverse("review:application_detail", args=[application.pk])).content.decode()


def test_the_print_stylesheet_hides_controls_and_keeps_names_whole():
    css = Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    assert "@media" not in css  # linked with media="print": every rule is for paper
    assert ".name-cell, .text-nowrap { white-space: nowrap; }" in css
    assert ".btn, button" in css and "display: none !important" in css
    assert ".table-responsive { overflow: visible !important; }" in css


# ---------------------------------------------------------------------------------------------------------------
# Buttons that cannot act now: disabled, with the reason
# ---------------------------------------------------------------------------------------------------------------


def full_cluster_with_waiting():
    cluster = ClusterFactory()
    waiting = row(State.CITY_REVIEW, cluster=cluster, verified=("20000", "800"))
    Application.objects.filter(pk=waiting.pk).update(city_rank=1)  # ranked, so only the quota stands in the way
    ClusterQuota.objects.create(campaign=waiting.campaign, cluster=cluster, quota=3, used=3)
    return waiting


def test_a_full_cluster_disables_forwarding_with_the_reason(client):
    waiting = full_cluster_with_waiting()
    client.force_login(city_official("131100"))
    tree = lxml.html.fromstring(get(client, CITY_URL))
    button = tree.xpath(f"//tr[@id='row-{waiting.pk}']//button[text()='审核通过并上报']")[0]
    assert button.get("disabled") is not None and button.get("aria-describedby") == f"blocked-{waiting.pk}"
    reason = tree.xpath(f"//*[@id='blocked-{waiting.pk}']")[0].text_content()
    assert reason == "「安平县丝网产业集群」本批次已上报 3 家，达到推荐上限，不能再上报。"
    assert tree.xpath(f"//*[@id='cluster-{waiting.cluster_id}']//strong[contains(@class, 'quota')]")[0].text_content() == "3/3"
    detail = lxml.html.fromstring(get_detail(client, waiting))
    forward = detail.xpath("//button[@value='city_forward']")[0]
    assert forward.get("disabled") is not None
    assert "达到推荐上限" in detail.xpath("//*[@id='blocked-city_forward']")[0].text_content()
    # Returning needs only an opinion: it stays enabled.
    assert detail.xpath("//button[@value='city_return_county']")[0].get("disabled") is None


def test_a_passed_deadline_disables_the_county_actions_with_the_reason(client):
    application = row(State.COUNTY_REVIEW, verified=("20000", "800"))
    Campaign.objects.filter(pk=application.campaign_id).update(county_deadline=timezone.localdate() - dt.timedelta(days=2))
    client.force_login(county_official("131125"))
    tree = lxml.html.fromstring(get(client, COUNTY_URL))
    assert "已超过截止时间" in tree.xpath(f"//*[@id='blocked-{application.pk}']")[0].text_content()
    detail = lxml.html.fromstring(get_detail(client, application))
    for action in ("county_pass", "county_return", "county_reject"):
        assert detail.xpath(f"//button[@value='{action}']")[0].get("disabled") is not None
        assert "已超过截止时间" in detail.xpath(f"//*[@id='blocked-{action}']")[0].text_content()


def test_an_open_action_stays_enabled(client):
    application = row(State.COUNTY_REVIEW, verified=("20000", "800"))
    client.force_login(county_official("131125"))
    tree = lxml.html.fromstring(get(client, COUNTY_URL))
    assert not tree.xpath(f"//*[@id='blocked-{application.pk}']")
    detail = lxml.html.fromstring(get_detail(client, application))
    assert [b.get("disabled") for b in detail.xpath("//*[@id='actions']//button[@name='action']")] == [None, None, None]


def test_transition_blockers_reuse_the_guards_and_skip_the_input_ones():
    application = row(State.COUNTY_REVIEW)  # not verified yet
    county = actor_for(application, "county_pass")
    transitions = [TRANSITIONS[a] for a in (Action.COUNTY_PASS, Action.COUNTY_RETURN)]
    assert selectors.transition_blockers(county, application, transitions) == {
        Action.COUNTY_PASS: "初审通过前须先填写县级核实情况证明。",  # the return's opinion is asked at the click
    }
    later = timezone.now() + dt.timedelta(days=400)
    blocked = selectors.transition_blockers(county, application, transitions, now=later)
    assert set(blocked) == {Action.COUNTY_PASS, Action.COUNTY_RETURN}
    assert all("已超过截止时间" in reason for reason in blocked.values())


# ---------------------------------------------------------------------------------------------------------------
# The city's dashboard: the count cards lead to the filtered list
# ---------------------------------------------------------------------------------------------------------------


def test_the_city_count_cards_link_to_the_filtered_list(client):
    waiting = row(State.CITY_REVIEW)
    row(State.PROVINCE_REVIEW, cluster=waiting.cluster)
    ClusterQuota.objects.create(campaign=waiting.campaign, cluster=waiting.cluster, quota=3, used=1)
    client.force_login(city_official("131100"))
    tree = lxml.html.fromstring(get(client, "review:city_home"))
    links = [a.get("href") for a in tree.xpath("//a[contains(@class, 'stat-card')]")]
    assert "#" not in links and f"{reverse(CITY_URL)}?state={State.CITY_REVIEW}" in links
    assert rows_of(get(client, CITY_URL, state=State.CITY_REVIEW)) == [str(waiting.pk)]
    quota_row = tree.xpath("//*[@id='city-quota']/tbody/tr")[0].text_content()
    assert waiting.cluster.name in quota_row and "1/3" in quota_row


def test_ranking_a_cluster_longer_than_a_page_keeps_the_unshown_ranks(client):
    campaign = CampaignFactory()
    cluster = ClusterFactory()
    shown = row(State.CITY_REVIEW, cluster=cluster)
    kept = row(State.CITY_REVIEW, cluster=cluster)
    kept.city_rank = 2
    kept.save(update_fields=["city_rank"])
    client.force_login(city_official("131100"))
    response = client.post(
        reverse("review:city_cluster_rank", args=[cluster.pk]), {"year": campaign.year, f"rank_{shown.pk}": "1"},
    )
    assert response.status_code == 302
    shown.refresh_from_db()
    kept.refresh_from_db()
    assert (shown.city_rank, kept.city_rank) == (1, 2)


@pytest.mark.parametrize(
    "name", ["review:application_detail", "review:verification", "review:city_cluster_forward", "review:transition"]
)
def test_a_rows_link_is_the_one_reverse_gives(name):
    from review.templatetags.work_lists import row_url

    assert row_url(name, 42) == reverse(name, args=[42])
    assert row_url(name, "7") == reverse(name, args=[7])
