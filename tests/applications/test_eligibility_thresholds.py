"""Every rule of PROCESS.md §3 at, just below and just above its threshold."""

import datetime as dt
from decimal import Decimal

import pytest

from applications.eligibility import MET, PENDING, UNMET, Facts, evaluate

# The rules are pure; the mark only lets the shared reference-data fixture use the test database.
pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2024, 6, 30)


def verdict(code, **facts):
    return next(v for v in evaluate(Facts(deadline=DEADLINE, **facts)) if v.code == code)


@pytest.mark.parametrize(
    ("revenue", "rd_spend", "status"),
    [
        (Decimal("10000"), Decimal("300"), MET),  # exactly 3%
        (Decimal("10000"), Decimal("299.99"), UNMET),  # 2.9999%: rounds to 3.00 but is below, shown as 2.99%
        (Decimal("10000"), Decimal("300.01"), MET),
    ],
)
def test_c2_research_share_threshold_is_three_percent_inclusive(revenue, rd_spend, status):
    result = verdict("C2", revenue=revenue, rd_spend=rd_spend)
    assert result.status == status
    if status == UNMET:
        assert "2.99%，低于 3%" in result.reason


@pytest.mark.parametrize(
    ("equity", "status"),
    [(Decimal("50000"), UNMET), (Decimal("49999.99"), UNMET), (Decimal("50000.01"), MET)],
)
def test_e1_equity_share_must_exceed_fifty_percent(equity, status):
    result = verdict("E1", owners_equity=equity, total_assets=Decimal("100000"))
    assert result.status == status
    if equity == Decimal("50000"):
        assert result.reason == "所有者权益占资产总额 50.00%，未超过 50%。"


@pytest.mark.parametrize(
    ("equity", "assets", "reason"),
    [
        # 50.00002%: two decimals would read 50.00% next to 超过 50%; enough decimals to be truthful instead
        (Decimal("22500.01"), Decimal("45000"), "所有者权益占资产总额 50.00002%，超过 50%。"),
        (Decimal("22499.99"), Decimal("45000"), "所有者权益占资产总额 49.99%，未超过 50%。"),
        (Decimal("22500"), Decimal("45000"), "所有者权益占资产总额 50.00%，未超过 50%。"),
        (Decimal("30000"), Decimal("45000"), "所有者权益占资产总额 66.67%，超过 50%。"),
        (Decimal("500000000.01"), Decimal("1000000000"), "所有者权益占资产总额 略高于 50%，超过 50%。"),
    ],
)
def test_e1_share_shown_never_contradicts_the_verdict(equity, assets, reason):
    assert verdict("E1", owners_equity=equity, total_assets=assets).reason == reason


def test_rules_name_what_was_typed_wrongly_instead_of_missing():
    invalid = (("established_on", "「成立日期」填写有误：成立日期（2031年1月1日）晚于今天，请核对。"),
               ("owners_equity", "「所有者权益（万元）」填写有误：所有者权益（200 万元）不能大于资产总额（100 万元）"))
    assert "晚于今天" in verdict("A2", invalid=invalid).reason
    assert "不能大于资产总额" in verdict("E1", total_assets=Decimal("100"), invalid=invalid).reason
    assert verdict("A2").reason == "尚未填写成立日期。"


@pytest.mark.parametrize(
    ("established", "status"),
    [(dt.date(2021, 6, 30), MET), (dt.date(2021, 7, 1), UNMET), (dt.date(2021, 6, 29), MET)],
)
def test_a2_three_full_years_before_the_deadline(established, status):
    assert verdict("A2", established_on=established).status == status


@pytest.mark.parametrize(
    ("valid_until", "status"),
    [(DEADLINE, MET), (DEADLINE - dt.timedelta(days=1), UNMET), (DEADLINE + dt.timedelta(days=1), MET)],
)
def test_b2_certificate_valid_on_the_deadline(valid_until, status):
    assert verdict("B2", iso9000_number="00123Q45678R0M", iso9000_valid_until=valid_until).status == status


@pytest.mark.parametrize(("count", "status"), [(10, MET), (9, UNMET), (11, MET)])
def test_d1_ten_partner_smes(count, status):
    assert verdict("D1", partner_count=count).status == status


@pytest.mark.parametrize(("patents", "status"), [(3, MET), (2, UNMET), (4, MET)])
def test_c3_three_patents(patents, status):
    assert verdict("C3", patents_total=patents).status == status


@pytest.mark.parametrize(
    ("revenue", "status"), [(Decimal("10000"), MET), (Decimal("9999.99"), UNMET), (Decimal("10000.01"), MET)]
)
def test_a3_revenue_one_hundred_million_yuan(revenue, status):
    result = verdict("A3", revenue=revenue)
    assert result.status == status
    assert "万元" in result.reason


@pytest.mark.parametrize(("tax", "status"), [(Decimal("500"), MET), (Decimal("499.99"), UNMET), (Decimal("500.01"), MET)])
def test_a4_tax_five_million_yuan(tax, status):
    assert verdict("A4", tax_total=tax).status == status


@pytest.mark.parametrize(("rank", "status"), [(3, MET), (4, UNMET), (1, MET)])
def test_a5_rank_in_cluster_top_three(rank, status):
    assert verdict("A5", cluster_rank=rank).status == status


def test_a1_needs_a_valid_code_and_independent_legal_person():
    assert verdict("A1", credit_code="91131125MA0CX7R254", independent_legal_person=True).status == MET
    assert verdict("A1", credit_code="91131125MA0CX7R255", independent_legal_person=True).status == UNMET
    assert verdict("A1", credit_code="91131125MA0CX7R254", independent_legal_person=False).status == UNMET


def test_honour_rules_need_provincial_level_or_above():
    assert verdict("B3", honours=(("famous_trademark", "provincial"),)).status == MET
    assert verdict("B3", honours=(("famous_trademark", "municipal"),)).status == UNMET
    assert verdict("E2", honours=(("credit", "national"),)).status == MET
    assert verdict("E2", honours=(("credit", "municipal"),)).status == UNMET
    assert verdict("C4", honours=(("high_tech", "municipal"),)).status == MET  # 高新技术企业 at any level
    assert verdict("C4", honours=(("science_award", "municipal"),)).status == UNMET


def test_declarations_are_pending_county_verification():
    assert verdict("B1", declares_policy_compliance=True).status == PENDING
    assert verdict("B1").status == UNMET
