"""Every plausibility rule of the 推荐审核表 at, below and above its bound, and the form that applies them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import plausibility
from applications.models import REPORT_SECTION_MAX
from tests.applications.test_application_pages import form_data, partners

TODAY = dt.date(2026, 12, 2)
LABELS = {"revenue": "上年度营业收入（万元）", "tax_total": "上年度纳税总额（万元）"}


def fields(problems):
    return [name for name, _ in problems]


@pytest.mark.parametrize(
    ("revenue", "flagged"),
    [(Decimal("10000000"), False), (Decimal("9999999.99"), False), (Decimal("10000000.01"), True)],
)
def test_large_amount_above_ten_million_wan_asks_to_confirm(revenue, flagged):
    problems = plausibility.large_amounts({"revenue": revenue}, LABELS, confirmed=False)
    assert fields(problems) == (["revenue"] if flagged else [])
    if flagged:
        assert "是否把「元」填成了「万元」" in problems[0][1] and "以上金额核对无误" in problems[0][1]


def test_large_amount_confirmed_is_accepted():
    assert plausibility.large_amounts({"revenue": Decimal("320000000")}, LABELS, confirmed=True) == []


@pytest.mark.parametrize("part", ["tax_total", "rd_spend", "net_profit"])
@pytest.mark.parametrize(("value", "flagged"), [("52000", False), ("51999.99", False), ("52000.01", True)])
def test_tax_research_and_profit_not_above_revenue(part, value, flagged):
    problems = plausibility.parts_within_revenue({"revenue": Decimal("52000"), part: Decimal(value)})
    assert fields(problems) == ([part] if flagged else [])
    if flagged:
        assert "不能大于上年度营业收入（52,000 万元）" in problems[0][1]


@pytest.mark.parametrize(("year_suffix", "word"), [("_y2", "前年"), ("_y3", "大前年")])
def test_earlier_years_are_checked_against_their_own_revenue(year_suffix, word):
    data = {f"revenue{year_suffix}": Decimal("100"), f"tax_total{year_suffix}": Decimal("100.01"), "revenue": Decimal("1000")}
    problems = plausibility.parts_within_revenue(data)
    assert fields(problems) == [f"tax_total{year_suffix}"]
    assert problems[0][1].startswith(f"{word}纳税总额")


@pytest.mark.parametrize(("equity", "flagged"), [("80000", False), ("79999.99", False), ("80000.01", True)])
def test_equity_not_above_assets(equity, flagged):
    problems = plausibility.equity_within_assets({"total_assets": Decimal("80000"), "owners_equity": Decimal(equity)})
    assert fields(problems) == (["owners_equity"] if flagged else [])


@pytest.mark.parametrize(("staff", "flagged"), [(860, False), (859, False), (861, True)])
def test_research_staff_not_above_employees(staff, flagged):
    assert fields(plausibility.staff_within_employees({"employees": 860, "rd_staff": staff})) == (
        ["rd_staff"] if flagged else []
    )


@pytest.mark.parametrize(
    ("day", "flagged"),
    [
        (TODAY, False),
        (TODAY - dt.timedelta(days=1), False),
        (TODAY + dt.timedelta(days=1), True),
        (dt.date(1949, 10, 1), False),
        (dt.date(1949, 9, 30), True),
    ],
)
def test_established_date_not_in_the_future_nor_before_1949(day, flagged):
    problems = plausibility.established_not_in_future({"established_on": day}, TODAY)
    assert fields(problems) == (["established_on"] if flagged else [])


@pytest.mark.parametrize(("year", "flagged"), [(2026, False), (2025, False), (2027, True)])
def test_honour_year_not_in_the_future(year, flagged):
    problem = plausibility.honour_year_not_in_future(year, TODAY)
    assert (problem is not None) == flagged
    if flagged:
        assert "晚于今年（2026 年）" in problem


# --- the form applies them, keeps what was typed and says where -------------------------------------------------


def post_form(client, draft, **fields):
    return client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, **fields))


def test_yuan_typed_as_wan_is_caught_and_kept(owner_client, draft):
    response = post_form(owner_client, draft, revenue="320,000,000", tax_total="2600")
    assert response.status_code == 200
    form = response.context["form"]
    assert "32,000 亿元" in form.errors["revenue"][0]
    assert form.asks_confirmation
    page = response.content.decode()
    assert 'value="320,000,000"' in page  # kept as typed
    assert 'name="confirm_large_amounts"' in page and 'id="error-summary"' in page
    assert 'href="#id_revenue"' in page  # the summary links to the field
    draft.refresh_from_db()
    assert draft.revenue is None


def test_large_amount_confirmed_is_saved(owner_client, draft):
    response = post_form(owner_client, draft, revenue="320000000", confirm_large_amounts="on")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.revenue == Decimal("320000000")


def test_confirm_box_is_not_shown_without_a_large_amount(owner_client, draft):
    page = owner_client.get(reverse("applications:form", args=[draft.pk])).content.decode()
    assert 'name="confirm_large_amounts"' not in page
    assert page.count(">万元</span>") >= 15  # 万元 beside every money field


def test_thousands_separators_and_full_width_digits_are_accepted(owner_client, draft):
    response = post_form(owner_client, draft, revenue="26,800", tax_total="１，２００", employees="1,200", rd_staff="96")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.revenue, draft.tax_total, draft.employees) == (Decimal("26800"), Decimal("1200"), 1200)


def test_tax_above_revenue_is_refused_on_the_tax_field(owner_client, draft):
    response = post_form(owner_client, draft, revenue="10000", tax_total="12000")
    assert "不能大于上年度营业收入" in response.context["form"].errors["tax_total"][0]


def test_future_honour_year_is_refused_on_its_row(owner_client, draft):
    next_year = dt.date.today().year + 1
    honours = [("famous_trademark", "provincial", "河北省著名商标", str(next_year), "河北省工商行政管理局")]
    response = post_form(owner_client, draft, honours=honours)
    assert "晚于今年" in response.context["honours"].forms[0].errors["year"][0]
    assert f"荣誉第1行「获得年份」：获得年份 {next_year} 年" in response.content.decode()


def test_checklist_says_why_a_future_founding_date_and_equity_above_assets_fail(owner_client, draft):
    response = post_form(owner_client, draft, established_on="2999-01-01", total_assets="100", owners_equity="200")
    verdicts = {v.code: v for v in response.context["verdicts"]}
    assert "晚于今天" in verdicts["A2"].reason
    assert "不能大于资产总额" in verdicts["E1"].reason
    assert "尚未填写" not in verdicts["A2"].reason + verdicts["E1"].reason


@pytest.mark.parametrize(("length", "saved"), [(REPORT_SECTION_MAX - 1, True), (REPORT_SECTION_MAX, True), (REPORT_SECTION_MAX + 5, False)])
def test_report_section_limit_is_refused_with_a_message_never_cut(owner_client, draft, length, saved):
    text = "字" * length
    response = owner_client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": text})
    draft.refresh_from_db()
    if saved:
        assert response.status_code == 302 and len(draft.report_basic) == length
    else:
        assert response.status_code == 200 and draft.report_basic == ""
        assert "最多 5000 个字，现有 5005 个字" in response.context["form"].errors["report_basic"][0]
        assert text in response.content.decode()  # the text is kept on the page, all of it


@pytest.mark.parametrize(("share", "ok"), [("100", True), ("99.99", True), ("100.01", False)])
def test_market_share_at_most_one_hundred_percent(owner_client, draft, share, ok):
    response = post_form(owner_client, draft, market_share=share)
    assert (response.status_code == 302) == ok


def test_duplicate_partner_is_an_error_on_that_row(owner_client, draft):
    rows = partners(2)
    rows.append(("重复企业", rows[1][1], "委托加工"))
    response = post_form(owner_client, draft, partners=rows)
    page = response.content.decode()
    assert "与第2行重复" in response.context["partners"].forms[2].errors["credit_code"][0]
    assert 'href="#id_partners-2-credit_code"' in page
