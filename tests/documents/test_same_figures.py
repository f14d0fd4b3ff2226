"""One set of figures: the 推荐审核表 PDF, the 汇总表 and the county screen show the county's verified figures and the
shares computed on them, for the same application."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.fields import facts_for
from applications.selectors import applications_visible_to
from review.documents import rendering
from review.documents.summary import FORWARDED_STATES, summary_queryset, summary_rows
from review.services import perform_transition
from tests.documents.helpers import pdf_text, submitted_application, verify
from tests.factories import city_official, county_official, province_official
from tests.review.journey import rank_next

pytestmark = pytest.mark.django_db

# Declared (tests.factories.ELIGIBLE_FIELDS): revenue 52000, tax 2600, assets 80000, equity 48000, rd 2080, rank 1.
VERIFIED = {
    "revenue": Decimal("40000.00"),
    "tax_total": Decimal("2100.00"),
    "total_assets": Decimal("90000.00"),
    "owners_equity": Decimal("36000.00"),
    "cluster_rank": 2,
}
EXPECTED = {
    "revenue": Decimal("40000.00"),
    "tax_total": Decimal("2100.00"),
    "cluster_rank": 2,
    "equity_share": Decimal("40.00"),  # 36000 / 90000 (declared: 60.00)
    "rd_share": Decimal("5.20"),  # 2080 / 40000 (declared: 4.00)
}


@pytest.fixture
def forwarded():
    application = submitted_application()
    county = county_official(application.enterprise.county_id)
    verify(application, county=county, **VERIFIED)
    # The verified equity share (40%) fails E1: passing and forwarding are decisions with a reason.
    reason = {"override_reason": "所有者权益按审计报告口径核实，同意推荐。"}
    perform_transition(
        application_id=application.pk, action="county_pass", actor=county, opinion="同意推荐。", details=reason
    )
    rank_next(application)
    perform_transition(
        application_id=application.pk, action="city_forward", actor=city_official("131100"), opinion="同意上报。",
        details=reason,
    )
    application.refresh_from_db()
    return application, county


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def pdf_figures(application) -> dict:
    text = pdf_text(rendering.form_pdf(application))
    found = {
        "revenue": re.search(r"上年度营业收入（万元）([\d,.]+)（核）", text),
        "tax_total": re.search(r"上年度纳税总额（万元）([\d,.]+)（核）", text),
        "cluster_rank": re.search(r"集群内排名(\d+)（核）", text),
        "equity_share": re.search(r"占资产总额([\d.]+)%", text),
        "rd_share": re.search(r"占营业收入([\d.]+)%", text),
    }
    assert all(found.values()), (found, text[:800])
    return {name: number(match.group(1)) for name, match in found.items()}


def summary_figures(application) -> dict:
    queryset = summary_queryset(
        visible=applications_visible_to(province_official()), campaign=application.campaign, states=FORWARDED_STATES
    )
    (row,) = [row for row in summary_rows(queryset) if row.credit_code == application.enterprise.credit_code]
    return {name: getattr(row, name) for name in EXPECTED}


def screen_figures(client, application, county) -> dict:
    client.force_login(county)
    html = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    figures = {}
    for name in EXPECTED:
        row = re.search(rf'<tr id="figure-{name}"[^>]*>(.*?)</tr>', html, re.S).group(1)
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        figures[name] = number(cells[1])  # 企业申报, 县级核实, 差额
    return figures


def test_pdf_summary_and_county_screen_show_the_verified_figures_and_shares(client, forwarded):
    application, county = forwarded
    assert facts_for(application).verified == set(VERIFIED)
    assert pdf_figures(application) == EXPECTED
    assert summary_figures(application) == EXPECTED
    assert screen_figures(client, application, county) == EXPECTED


def test_pdf_shows_the_declared_figure_beside_a_differing_verified_one(forwarded):
    application, _ = forwarded
    text = pdf_text(rendering.form_pdf(application))
    assert "40,000.00（核）（申报52,000.00）" in text  # one number format: thousands separators
    assert "集群内排名2（核）（申报1）" in text


def test_pdf_of_an_unverified_application_shows_the_declared_figures():
    application = submitted_application()
    text = pdf_text(rendering.form_pdf(application))
    assert "（企业申报数）" in text and "（核）" not in text
    assert "上年度营业收入（万元）52,000.00" in text and "占资产总额60.00%" in text and "占营业收入4.00%" in text
