"""One 推荐顺序: the city cluster page, the 推荐文件 and the 汇总表 print the rank the city stored (Application.city_rank)."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from review.services import application_set_city_ranks, perform_transition
from tests.documents.helpers import pdf_text, submitted_application, verify
from tests.documents.test_letters import download, issue
from tests.factories import EnterpriseFactory, city_official, county_official

pytestmark = pytest.mark.django_db

NAMES = ("衡水丝网甲有限公司", "衡水丝网乙有限公司", "衡水丝网丙有限公司")


@pytest.fixture
def ranked_and_forwarded():
    """Three applications passed by the county in creation order, ranked 2, 3, 1 and forwarded in rank order."""
    county, city = county_official("131125"), city_official("131100")
    applications = []
    for name in NAMES:
        application = submitted_application(enterprise=EnterpriseFactory(name=name))
        verify(application, county=county)
        perform_transition(application_id=application.pk, action="county_pass", actor=county, opinion="同意推荐。")
        applications.append(application)
    ranks = dict(zip(NAMES, (2, 3, 1), strict=True))
    first = applications[0]
    application_set_city_ranks(
        actor=city, campaign=first.campaign, cluster_id=first.cluster_id,
        ranks={a.pk: ranks[a.enterprise.name] for a in applications},
    )
    for application in sorted(applications, key=lambda a: ranks[a.enterprise.name]):
        perform_transition(
            application_id=application.pk, action="city_forward", actor=city,
            opinion=f"排序第{ranks[application.enterprise.name]}位，同意上报。",
        )
    return city, ranks


def page_ranks(client, city):
    client.force_login(city)
    page = client.get(reverse("review:city_clusters")).content.decode()
    rows = re.findall(
        r'<tr id="row-\d+">\s*<td class="no-print">.*?</td>\s*<td>\s*(\S+?)\s*</td>\s*'
        r'<td class="name-cell"><a href="/review/applications/\d+/">([^<]+)</a>',
        page,
    )
    return {name: int(rank) for rank, name in rows}


def letter_ranks(client, city):
    issue(client, city)
    text = pdf_text(download(client, city))
    found = {}
    for name in NAMES:
        match = re.search(r"(\d+)" + re.escape(name), text)
        found[name] = int(match.group(1)) if match else None
    return found


def summary_ranks(client, city):
    workbook = load_workbook(io.BytesIO(download(client, city, name="summary_xlsx")))
    rows = [row for row in workbook["衡水市"].iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert workbook["衡水市"].cell(row=3, column=5).value.replace("\n", "") == "推荐顺序"
    return {row[5].value: row[4].value for row in rows}, {row[5].value: row[16].value for row in rows}


def test_the_page_the_letter_and_the_summary_show_the_same_rank(client, ranked_and_forwarded):
    city, ranks = ranked_and_forwarded
    summary, city_opinions = summary_ranks(client, city)
    assert page_ranks(client, city) == ranks
    assert letter_ranks(client, city) == ranks
    assert summary == ranks
    # The 汇总表's 市级审核意见 is the opinion the city gave with each forward, not the button's words.
    assert city_opinions == {name: f"排序第{rank}位，同意上报。" for name, rank in ranks.items()}
    assert sorted(Application.objects.values_list("city_rank", flat=True)) == [1, 2, 3]
