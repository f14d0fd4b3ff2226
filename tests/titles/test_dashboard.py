"""The province dashboard: every chart has its table, and the query count does not grow with the rows."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, State
from review.models import Certificate
from tests.documents.helpers import bulk_forwarded
from tests.factories import ApplicationFactory, CampaignFactory, county_official, province_official
from tests.review.journey import application_in
from tests.titles.test_monitoring import holder
from titles import services

pytestmark = pytest.mark.django_db


def grow(n):
    for _ in range(n):
        application_in(State.CITY_REVIEW)
        application_in(State.RETURNED)
        holder()


def dashboard_queries(client):
    """The queries of computing the figures (refresh=1: not from the 5-minute cache)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("titles:province_dashboard"), {"refresh": "1"})
    assert response.status_code == 200
    return len(captured), response


def charts_of(response) -> dict:
    page = response.content.decode()
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    return {chart["key"]: chart for chart in data}


def bulk(n):
    """`n` more applications of the open campaign (half of them titles in force), some failing conditions."""
    applications = bulk_forwarded(n, campaign=CampaignFactory())
    for i, application in enumerate(applications):
        Application.objects.filter(pk=application.pk).update(unmet_conditions=["", "A5", "A3 E1"][i % 3])
    return applications


def test_dashboard_query_count_is_flat_from_n_to_ten_n_applications(client):
    client.force_login(province_official())
    grow(1)
    bulk(3)
    assert Application.objects.count() == 6
    dashboard_queries(client)  # the first request fills the caches (the session, the unread count)
    small, _ = dashboard_queries(client)
    grow(1)
    bulk(51)
    assert Application.objects.count() == 60
    large, response = dashboard_queries(client)
    assert large == small
    by_key = charts_of(response)
    assert set(by_key) >= {
        "by-city", "pass-rates", "conditions-failed", "holders-city", "holders-cluster", "expiring", "missing-reports",
    }
    states = {s["name"]: sum(s["data"]) for s in by_key["by-city"]["series"]}
    assert states["待市级审核"] == 2 and states["退回修改"] == 2 and states["已认定"] == 2 + 2 + 26  # two holders, every other bulk one
    assert sum(by_key["holders-city"]["series"][0]["data"]) == 2 + 2 + 26
    failed = dict(zip(by_key["conditions-failed"]["categories"], by_key["conditions-failed"]["series"][0]["data"], strict=True))
    assert failed["A5 集群内企业规模和经济实力排名前3位"] == 18 and failed["A3 年营业收入1亿元以上"] == 18


def test_conditions_failed_counts_each_condition_over_the_campaigns_submitted_applications(client):
    applications = bulk_forwarded(6, campaign=CampaignFactory())
    for application, unmet in zip(applications, ["A3 A5", "A5", "A5 E1", "", "C3", "A5 C3"], strict=True):
        Application.objects.filter(pk=application.pk).update(unmet_conditions=unmet)
    # Not counted: a draft, a withdrawn application, and another campaign's.
    ApplicationFactory(campaign=applications[0].campaign, unmet_conditions="A3 A5 E1")
    ApplicationFactory(campaign=applications[0].campaign, state=State.WITHDRAWN, unmet_conditions="A3")
    older = bulk_forwarded(1, campaign=CampaignFactory(year=2023, state="closed"))[0]
    Application.objects.filter(pk=older.pk).update(unmet_conditions="A3 A5")
    client.force_login(province_official())
    response = client.get(reverse("titles:province_dashboard"))
    chart = charts_of(response)["conditions-failed"]
    assert chart["kind"] == "hbar" and "已提交 6 件" in chart["title"]
    assert chart["categories"] == ["A5 集群内企业规模和经济实力排名前3位", "C3 获得3项以上国家专利",
                                   "A3 年营业收入1亿元以上", "E1 资产所有者权益超过50%"]
    assert chart["series"][0]["data"] == [4, 2, 1, 1]
    table = response.content.decode().split('id="table-conditions-failed"')[1].split("</table>")[0]
    assert "A5 集群内企业规模和经济实力排名前3位" in table and "66.7" in table  # 4 of 6, as a share


def test_expiring_titles_and_missing_reports_are_on_the_dashboard(client):
    soon, later = holder(), holder()
    today = dt.date.today()
    Certificate.objects.filter(pk=soon.certificate.pk).update(expires_on=today + dt.timedelta(days=100))
    Certificate.objects.filter(pk=later.certificate.pk).update(expires_on=today + dt.timedelta(days=800))
    client.force_login(province_official())
    response = client.get(reverse("titles:province_dashboard"))
    page = response.content.decode()
    expiring = page.split('id="expiring"')[1].split("</table>")[0]
    assert soon.certificate.number in expiring and later.certificate.number not in expiring
    missing = charts_of(response)["missing-reports"]
    assert f"{services.monitoring_year()}年度运行监测未报送" in missing["title"]
    assert sum(missing["series"][0]["data"]) == 2  # both titles were issued in 2024 and neither has reported


def test_every_chart_is_also_a_table(client):
    client.force_login(province_official())
    grow(1)
    page = client.get(reverse("titles:province_dashboard")).content.decode()
    for key in ("by-city", "pass-rates", "conditions-failed", "holders-city", "holders-cluster", "expiring",
                "missing-reports"):
        assert f'id="chart-{key}"' in page and f'id="table-{key}"' in page
    assert "echarts.min.js" in page


def test_dashboard_is_for_the_province_only(client):
    client.force_login(county_official())
    assert client.get(reverse("titles:province_dashboard")).status_code == 403


def test_the_figures_are_computed_at_most_every_five_minutes_unless_refreshed(client):
    client.force_login(province_official())
    grow(1)
    url = reverse("titles:province_dashboard")
    client.get(url)  # computes and keeps the figures
    with CaptureQueriesContext(connection) as kept:
        first = client.get(url)
    computed, _ = dashboard_queries(client)
    assert len(kept) < computed  # the aggregates were not run again
    before = charts_of(first)["holders-city"]["series"][0]["data"]
    grow(1)
    assert charts_of(client.get(url))["holders-city"]["series"][0]["data"] == before  # still the kept figures
    refreshed = client.get(url, {"refresh": "1"})
    assert sum(charts_of(refreshed)["holders-city"]["series"][0]["data"]) > sum(before)
    assert "每 5 分钟更新一次" in refreshed.content.decode() and "refresh=1" in refreshed.content.decode()
