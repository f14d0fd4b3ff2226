"""The province dashboard: every chart has its table, and the query count does not grow with the rows."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import State
from tests.factories import county_official, province_official
from tests.review.journey import application_in
from tests.titles.test_monitoring import holder

pytestmark = pytest.mark.django_db


def grow(n):
    for _ in range(n):
        application_in(State.CITY_REVIEW)
        application_in(State.RETURNED)
        holder()


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("titles:province_dashboard"))
    assert response.status_code == 200
    return len(captured), response


def test_dashboard_query_count_is_flat_in_the_number_of_applications(client):
    client.force_login(province_official())
    grow(1)
    dashboard_queries(client)  # the first request fills the caches (the session, the unread count)
    small, _ = dashboard_queries(client)
    grow(4)
    large, response = dashboard_queries(client)
    assert large == small
    data = json.loads(response.content.decode().split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    by_key = {chart["key"]: chart for chart in data}
    assert set(by_key) >= {"by-city", "pass-rates", "holders-city", "holders-cluster", "expiring", "missing-reports"}
    states = {s["name"]: sum(s["data"]) for s in by_key["by-city"]["series"]}
    assert states["待市级审核"] == 5 and states["退回修改"] == 5 and states["已认定"] == 5
    assert sum(by_key["holders-city"]["series"][0]["data"]) == 5


def test_every_chart_is_also_a_table(client):
    client.force_login(province_official())
    grow(1)
    page = client.get(reverse("titles:province_dashboard")).content.decode()
    for key in ("by-city", "pass-rates", "holders-city", "holders-cluster", "expiring", "missing-reports"):
        assert f'id="chart-{key}"' in page and f'id="table-{key}"' in page
    assert "echarts.min.js" in page


def test_dashboard_is_for_the_province_only(client):
    client.force_login(county_official())
    assert client.get(reverse("titles:province_dashboard")).status_code == 403
