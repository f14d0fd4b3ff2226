"""年度运行监测: holders report, the county confirms, the province sees who would still meet the conditions."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from review.models import Certificate, Notification
from review.services import Refused
from tests.factories import county_official, enterprise_user, province_official
from tests.titles.helpers import closed_meeting
from titles import selectors, services
from titles.models import MonitoringReport

pytestmark = pytest.mark.django_db
FIGURES = {
    "revenue": Decimal("23800.00"), "tax_total": Decimal("960.00"), "total_assets": Decimal("30000.00"),
    "owners_equity": Decimal("18000.00"), "rd_spend": Decimal("900.00"), "employees": 820,
}


def holder(**kwargs):
    """An awarded application (a title in force), through the real meeting and 认定."""
    from review import services as review_services

    province, meeting, applications = closed_meeting(1)
    applications[0].campaign.__class__.objects.filter(pk=applications[0].campaign_id).update(publicity_required=False)
    review_services.meeting_award(actor=province, meeting_id=meeting.pk)
    application = applications[0]
    # A title of the 2024 campaign: issued in December 2024, in force for three years.
    Certificate.objects.filter(application=application).update(
        issued_on=dt.date(2024, 12, 20), expires_on=dt.date(2027, 12, 19)
    )
    application.refresh_from_db()
    assert application.state == State.AWARDED
    return application


def test_certificates_are_valid_for_the_campaigns_years():
    application = holder()
    certificate = application.certificate
    assert certificate.expires_on == dt.date(2027, 12, 19)
    assert certificate.status(dt.date(2027, 12, 19)) == "valid"
    assert certificate.status(certificate.expires_on + dt.timedelta(days=1)) == "expired"


def test_holder_reports_and_county_confirms(client):
    application = holder()
    user = enterprise_user(application.enterprise)
    year = services.monitoring_year()
    client.force_login(user)
    page = client.get(reverse("titles:my_titles")).content.decode()
    assert f"{year}年度运行监测" in page and application.certificate.number in page
    data = {f"m{application.pk}-{k}": str(v) for k, v in FIGURES.items()}
    data.update({"application": application.pk, f"m{application.pk}-narrative": "运行平稳。"})
    response = client.post(reverse("titles:my_titles"), data)
    assert response.status_code == 302
    report = MonitoringReport.objects.get(application=application, year=year)
    assert report.revenue == FIGURES["revenue"] and report.confirmed_at is None
    county = county_official(application.enterprise.county_id)
    client.force_login(county)
    assert application.enterprise.name in client.get(reverse("titles:monitoring_county")).content.decode()
    client.post(reverse("titles:monitoring_county"), {"report": report.pk, "note": "已核对纳税证明。"})
    report.refresh_from_db()
    assert report.confirmed_by == county and report.county_note == "已核对纳税证明。"
    with pytest.raises(Refused, match="已由县级主管部门确认"):
        services.monitoring_submit(actor=user, application_id=application.pk, year=year, figures=FIGURES, narrative="改")


def test_monitoring_form_refuses_tax_above_revenue(client):
    application = holder()
    client.force_login(enterprise_user(application.enterprise))
    data = {f"m{application.pk}-{k}": str(v) for k, v in FIGURES.items()}
    data.update({"application": application.pk, f"m{application.pk}-narrative": "x", f"m{application.pk}-tax_total": "99999"})
    page = client.post(reverse("titles:my_titles"), data).content.decode()
    assert "不能大于营业收入" in page and not MonitoringReport.objects.exists()


def test_county_confirms_only_its_own_holders():
    application = holder()
    user = enterprise_user(application.enterprise)
    report = services.monitoring_submit(
        actor=user, application_id=application.pk, year=2025, figures=FIGURES, narrative="x"
    )
    outsider = county_official("130534")
    with pytest.raises(MonitoringReport.DoesNotExist):
        services.monitoring_confirm(actor=outsider, report_id=report.pk)


def test_a_holder_whose_figures_fail_a3_is_flagged_and_missing_ones_are_reminded(client):
    failing, reporting_well, silent = holder(), holder(), holder()
    year = services.monitoring_year()
    services.monitoring_submit(
        actor=enterprise_user(failing.enterprise), application_id=failing.pk, year=year,
        figures={**FIGURES, "revenue": Decimal("9000.00"), "rd_spend": Decimal("300.00")}, narrative="下滑",
    )
    services.monitoring_submit(
        actor=enterprise_user(reporting_well.enterprise), application_id=reporting_well.pk, year=year,
        figures=FIGURES, narrative="平稳",
    )
    province = province_official()
    rows = {row.application.pk: row for row in selectors.monitoring_rows(province, year)}
    assert [v.code for v in rows[failing.pk].failing] == ["A3"]
    assert rows[reporting_well.pk].failing == [] and rows[silent.pk].report is None
    client.force_login(province)
    dashboard = client.get(reverse("titles:province_dashboard")).content.decode()
    flagged = dashboard.split('id="flagged"')[1].split("</table>")[0]
    assert failing.enterprise.name in flagged and reporting_well.enterprise.name not in flagged
    assert "A3 不满足" in flagged
    assert services.monitoring_remind(actor=province, year=year) == 1
    assert Notification.objects.filter(application=silent, message__contains=f"{year}年度运行监测").exists()


def test_expired_and_revoked_titles_are_not_monitored():
    application = holder()
    Certificate.objects.filter(pk=application.certificate.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert not selectors.holders_visible_to(province_official()).exists()


def test_issuing_sets_the_validity_from_the_campaign():
    from review.models import validity_end

    assert validity_end(dt.date(2024, 12, 20), 3) == dt.date(2027, 12, 19)
    assert validity_end(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    province, meeting, applications = closed_meeting(1)
    campaign = applications[0].campaign
    campaign.__class__.objects.filter(pk=campaign.pk).update(publicity_required=False, title_validity_years=5)
    from review import services as review_services

    review_services.meeting_award(actor=province, meeting_id=meeting.pk)
    certificate = Certificate.objects.get(application=applications[0])
    assert certificate.expires_on == validity_end(certificate.issued_on, 5)


def test_a_reissued_title_still_reports_and_is_flagged_when_it_fails_a3(client):
    """A re-issue (enterprise renamed) prints today's date on the new certificate; the title, and its yearly
    report, still go back to the first certificate."""
    failing, silent = holder(), holder()
    province = province_official()
    for title in (failing, silent):
        new = services.title_reissue(actor=province, certificate_id=title.certificate.pk, reason="企业更名")
        assert new.issued_on.year > 2024
    year = services.monitoring_year()
    assert year >= 2025
    user = enterprise_user(failing.enterprise)
    client.force_login(user)
    assert f"{year}年度运行监测" in client.get(reverse("titles:my_titles")).content.decode()  # asked to report
    services.monitoring_submit(
        actor=user, application_id=failing.pk, year=year,
        figures={**FIGURES, "revenue": Decimal("9600.00"), "rd_spend": Decimal("310.00")}, narrative="下滑",
    )
    assert list(selectors.holders_missing_report(year)) == [silent]
    client.force_login(province)
    dashboard = client.get(reverse("titles:province_dashboard")).content.decode()
    flagged = dashboard.split('id="flagged"')[1].split("</table>")[0]
    assert failing.enterprise.name in flagged and "A3 不满足" in flagged
    assert silent.enterprise.name not in flagged


def test_monitoring_pages_read_one_page_of_titles_and_their_queries_do_not_grow(client, monkeypatch):
    """The list is counted and sliced in the database: with more titles in force a page costs the same queries,
    shows a page's worth and reads only that page's reports."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from titles import views

    monkeypatch.setattr(views, "MONITORING_PAGE_SIZE", 2)
    year = services.monitoring_year()
    first = holder()
    services.monitoring_submit(
        actor=enterprise_user(first.enterprise), application_id=first.pk, year=year,
        figures={**FIGURES, "revenue": Decimal("9000.00"), "rd_spend": Decimal("300.00")}, narrative="下滑",
    )
    client.force_login(province_official())
    url = reverse("titles:monitoring_province")

    def measured(query="", limit="LIMIT 2"):
        client.get(url + query)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url + query).content.decode()
        # the page read, not every title
        assert any(re.search(rf"\b{limit}$", q["sql"]) for q in captured.captured_queries)
        return len(captured), page.split('id="monitoring-rows"')[1].split("</table>")[0].count("<tr")

    holder()
    small = measured()
    for _ in range(3):
        holder()
    large = measured()
    assert small == large == (large[0], 3)  # a header row and a page of 2
    assert measured("?page=3", "LIMIT 1 OFFSET 4")[1] == 2  # the fifth title alone on the last page
    rows = list(selectors.monitoring_rows(province_official(), year))
    assert len(rows) == 5 and [r.application.pk for r in rows].count(first.pk) == 1
    assert [v.code for v in next(r for r in rows if r.application.pk == first.pk).failing] == ["A3"]
    assert [r.application.pk for r in selectors.monitoring_rows(province_official(), year, only_failing=True)] == [first.pk]
