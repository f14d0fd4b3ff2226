"""The county records every check: verdicts on B1, C5, E3, E4, kept versions, re-verification after resubmission."""

import re

import lxml.html
import pytest
from django.db import DatabaseError, connection, transaction

from applications import eligibility
from applications.models import Application, State
from review import selectors
from review.models import CountyVerificationVersion
from review.services import Refused, TransitionRefused, county_verification_reconfirm, perform_transition
from tests.review.journey import OPINION, actor_for, application_in, verify, walk

pytestmark = pytest.mark.django_db
ALL_MET = {code: {"verdict": "met", "note": ""} for code in ("B1", "C5", "E3", "E4")}


def verification_form(**checks):
    """The 核实情况证明 as the page posts it, with the verdicts and notes given."""
    figures = {"revenue": "52000", "tax_total": "2600", "total_assets": "80000", "owners_equity": "48000"}
    return {**figures, "cluster_rank": "1", "remarks": "", "version": "0", **checks}


def verdict(application, code):
    application = Application.objects.get(pk=application.pk)
    return next(v for v in selectors.verdicts_for(application, selectors.verification_of(application)) if v.code == code)


def test_the_county_checks_exactly_the_conditions_left_to_it():
    assert [c.code for c in eligibility.COUNTY_CHECKED] == ["B1", "C5", "E3", "E4"]


def test_county_verdicts_turn_pending_into_met_or_unmet_and_the_stored_codes_follow():
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    stored = Application.objects.get(pk=application.pk)
    assert (stored.unmet_codes, stored.pending_codes) == ([], ["B1", "C5", "E3", "E4"])
    checks = {**ALL_MET, "E3": {"verdict": "unmet", "note": "2023年发生一般安全生产事故"}}
    verify(application, condition_checks=checks)
    stored = Application.objects.get(pk=application.pk)
    assert (stored.unmet_codes, stored.pending_codes) == (["E3"], [])
    b1, e3 = verdict(application, "B1"), verdict(application, "E3")
    assert (b1.status, e3.status) == (eligibility.MET, eligibility.UNMET)
    assert "（县级核实）" in b1.reason and "经核实符合" in b1.reason
    assert e3.reason.endswith("经核实不符合（县级核实）：2023年发生一般安全生产事故。")


def test_an_unmet_verdict_needs_a_note():
    application = application_in(State.COUNTY_REVIEW)
    with pytest.raises(Refused, match="须说明情况"):
        verify(application, condition_checks={"B1": {"verdict": "unmet", "note": " "}})


def test_a_county_verdict_on_an_undeclared_condition_does_not_make_it_met():
    application = application_in(State.COUNTY_REVIEW)
    Application.objects.filter(pk=application.pk).update(declares_no_violations=False)
    verify(application, condition_checks=ALL_MET)
    assert verdict(application, "E4").status == eligibility.UNMET


def test_each_save_keeps_a_version_with_who_when_and_what_changed():
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    verify(application, cluster_rank=4, condition_checks={"B1": {"verdict": "met", "note": "环保局无处罚记录"}})
    versions = list(CountyVerificationVersion.objects.filter(application=application).order_by("number"))
    assert [(v.number, v.cluster_rank, v.kind) for v in versions] == [(1, 1, "saved"), (2, 4, "saved")]
    assert versions[1].condition_checks == {"B1": {"verdict": "met", "note": "环保局无处罚记录"}}
    history = selectors.verification_history(application)
    assert [row.number for row in history] == [2, 1]
    assert history[0].changes == ["核实集群内排名：1 → 4", "B1：尚未核实 → 符合（环保局无处罚记录）"]
    assert history[1].changes == ["首次填写"]
    with pytest.raises(PermissionError):
        versions[0].delete()


def test_after_a_resubmission_the_county_pass_needs_a_new_or_reconfirmed_verification():
    application = application_in(State.COUNTY_REVIEW)
    walk(application, "verify", "county_return", "submit")
    county = actor_for(application, "county_pass")
    with pytest.raises(TransitionRefused, match="重新核实"):
        perform_transition(application_id=application.pk, action="county_pass", actor=county, opinion=OPINION)
    verification = Application.objects.get(pk=application.pk).county_verification
    county_verification_reconfirm(application_id=application.pk, actor=county, version=verification.version)
    with pytest.raises(Refused, match="无需再确认"):
        county_verification_reconfirm(application_id=application.pk, actor=county, version=verification.version + 1)
    perform_transition(application_id=application.pk, action="county_pass", actor=county, opinion=OPINION)
    assert Application.objects.get(pk=application.pk).state == State.CITY_REVIEW
    kinds = list(CountyVerificationVersion.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == ["saved", "reconfirmed"]
    assert "后确认核实情况无变化" in selectors.verification_history(application)[0].changes[0]


def test_a_new_verification_after_the_resubmission_also_lets_the_county_pass():
    application = application_in(State.COUNTY_REVIEW)
    walk(application, "verify", "county_return", "submit", "verify", "county_pass")
    assert application.state == State.CITY_REVIEW


def test_a_return_from_the_city_needs_no_reverification():
    application = application_in(State.CITY_REVIEW)
    walk(application, "city_return_county", "county_pass")
    assert application.state == State.CITY_REVIEW


def test_the_verification_page_records_verdicts_and_shows_the_history(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "verify"))
    url = f"/review/applications/{application.pk}/verification/"
    form = verification_form(check_B1="met", check_C5="met", check_E3="unmet", note_E3="")
    response = client.post(url, form)
    assert "核实为「不符合」时，请说明情况。" in response.content.decode()
    assert not CountyVerificationVersion.objects.filter(application=application).exists()
    client.post(url, {**form, "note_E3": "应急管理局通报事故一起"})
    stored = Application.objects.get(pk=application.pk)
    assert (stored.unmet_codes, stored.pending_codes) == (["E3"], ["E4"])
    page = client.get(url).content.decode()
    assert "核实情况证明版本记录" in page and "首次填写" in page
    assert re.search(r'<input[^>]*name="check_E3"[^>]*value="unmet"[^>]*checked', page)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_changes_to_verification_versions():
    application = application_in(State.COUNTY_REVIEW)
    verify(application)
    version = CountyVerificationVersion.objects.get(application=application)
    for statement in (
        "UPDATE review_countyverificationversion SET cluster_rank = 9 WHERE id = %s",
        "DELETE FROM review_countyverificationversion WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [version.pk])


def test_a_verdict_in_error_ties_its_radios_to_the_message(client):
    application = application_in(State.COUNTY_REVIEW)
    client.force_login(actor_for(application, "verify"))
    url = f"/review/applications/{application.pk}/verification/"
    page = lxml.html.fromstring(client.post(url, verification_form(check_B1="maybe")).content.decode())
    error = page.get_element_by_id("id_check_B1-error")
    assert "请选择「符合」或「不符合」" in error.text_content()
    radios = page.xpath('//input[@name="check_B1"]')
    assert [(r.get("aria-invalid"), r.get("aria-describedby")) for r in radios] == [("true", "id_check_B1-error")] * 3
    assert page.xpath('//*[@id="error-summary"]//a/@href') == ["#id_check_B1_0"]
    untouched = page.xpath('//input[@name="check_C5"]')
    assert [(r.get("aria-invalid"), r.get("aria-describedby")) for r in untouched] == [(None, None)] * 3
