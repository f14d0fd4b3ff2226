"""A decision against failing conditions, and the county's verdicts, in the 推荐审核表 PDF and the 汇总表."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, State
from portal.directory.models import Division
from review.documents.rendering import form_pdf, verification_pdf
from review.models import CountyVerification
from review.services import perform_transition
from tests.documents.helpers import pdf_text, submitted_application, verify
from tests.factories import city_official, county_official, province_official
from tests.review.journey import rank_next

pytestmark = pytest.mark.django_db
COUNTY_REASON = "排名依据为2023年统计口径，县政府同意推荐。"
CITY_REASON = "市局复核认可县级意见。"


def forwarded_against_conditions():
    """Verified with rank 4 (A5) and 47.5% equity (E1), passed and forwarded with reasons."""
    application = submitted_application()
    county = county_official(application.enterprise.county_id, full_name="张核实")
    verify(application, county=county, cluster_rank=4, owners_equity=38000)
    perform_transition(
        application_id=application.pk, action="county_pass", actor=county, opinion="同意推荐。",
        details={"override_reason": COUNTY_REASON},
    )
    city = city_official(Division.objects.get(code=application.enterprise.county_id).reviewing_city_id)
    rank_next(application)
    perform_transition(
        application_id=application.pk, action="city_forward", actor=city, opinion="同意上报。",
        details={"override_reason": CITY_REASON},
    )
    return Application.objects.get(pk=application.pk)


def test_the_form_pdf_prints_each_levels_reason_beside_its_opinion():
    text = pdf_text(form_pdf(forwarded_against_conditions()))
    county_block = text[text.index("县级初审意见"): text.index("设区市工信局审核意见")]
    city_block = text[text.index("设区市工信局审核意见"): text.index("省局审定意见")]
    assert f"知悉以下条件不满足：A5、E1，仍决定“初审通过”。理由：{COUNTY_REASON}" in county_block
    assert f"知悉以下条件不满足：A5、E1，仍决定“审核通过并上报”。理由：{CITY_REASON}" in city_block


def test_the_summary_opinion_cells_carry_the_reasons(client):
    application = forwarded_against_conditions()
    client.force_login(province_official())
    response = client.get(reverse("documents:summary_xlsx"), {"year": application.campaign.year})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["全省汇总"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[5].value == application.enterprise.name)
    assert row[15].value.startswith(f"【知悉A5、E1不满足，仍初审通过，理由：{COUNTY_REASON}】")
    assert row[16].value.startswith(f"【知悉A5、E1不满足，仍审核通过并上报，理由：{CITY_REASON}】")


def test_a_decided_form_prints_the_county_verdicts_and_never_pending():
    application = submitted_application()
    county = county_official(application.enterprise.county_id)
    verify(
        application, county=county,
        condition_checks={"B1": {"verdict": "met", "note": "环保局无处罚记录"}, "E3": {"verdict": "met", "note": ""}},
    )
    pending_text = pdf_text(form_pdf(application))
    assert "待核实" in pending_text  # still with the county: C5 and E4 wait for its verdict
    perform_transition(application_id=application.pk, action="county_pass", actor=county)
    text = pdf_text(form_pdf(Application.objects.get(pk=application.pk)))
    assert "待核实" not in text
    assert "经核实符合（县级核实）：环保局无处罚记录" in text
    assert text.count("县级未单独核实") == 2  # C5 and E4, verified before the county recorded verdicts on them
    assert "县级核实结论：B1“符合国家产业政策、环保政策”满足" in pdf_text(verification_pdf(Application.objects.get(pk=application.pk)))


def test_an_old_decided_application_without_county_verdicts_prints_no_pending():
    application = submitted_application()
    county = county_official(application.enterprise.county_id)
    verify(application, county=county)
    perform_transition(application_id=application.pk, action="county_pass", actor=county)
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.CITY_REVIEW
    assert CountyVerification.objects.get(application=application).condition_checks == {}
    text = pdf_text(form_pdf(application))
    assert "待核实" not in text and text.count("县级未单独核实") == 4
