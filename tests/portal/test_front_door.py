"""The public 办事指南 at /, the notice, the templates to download; signed-in users keep their role's home."""

import datetime as dt
import io
import subprocess
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from portal.audit.models import AuditEvent, Event
from portal.directory.models import Division
from review.workflow import Action
from tests.factories import (
    CampaignFactory,
    ClusterFactory,
    EnterpriseFactory,
    county_official,
    eligible_application,
    sysadmin,
)
from tests.review.journey import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_campaign():
    campaign = CampaignFactory()
    cluster = ClusterFactory()
    Division.objects.filter(code=cluster.county_id).update(office_name="安平县工业和信息化局", office_phone="0318-7522345")
    return campaign


def test_front_page_tells_a_newcomer_what_to_prepare(client, open_campaign):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    # the notice's own words for the conditions, read from its text
    assert "年营业收入1亿元以上，纳税总额500万元以上" in page
    assert "2024年省局确认公布的120个省级中小企业产业集群" in page
    assert "（五）税务部门开具的上一年度纳税证明" in page
    assert "安平县工业和信息化局" in page and "0318-7522345" in page
    assert f"{open_campaign.enterprise_deadline.year}年{open_campaign.enterprise_deadline.month}月" in page
    for url in (reverse("applications:register"), reverse("accounts:login"), reverse("guide_notice"),
                reverse("review:public_awarded"), reverse("guide_template", args=["report-outline", "docx"])):
        assert f'href="{url}"' in page


def test_the_sysadmin_keeps_each_countys_department_and_phone(client, open_campaign):
    county = Division.objects.get(code="130534")  # 清河县, not set by any seed
    cluster = ClusterFactory(name="清河县羊绒及制品产业集群", county_id=county.code, industry="羊绒")
    client.force_login(sysadmin())
    change = reverse("admin:directory_division_change", args=[county.code])
    form = client.get(change).content.decode()
    assert 'name="office_name"' in form and 'name="office_phone"' in form
    response = client.post(change, {"reviewing_city": county.reviewing_city_id,
                                    "office_name": "清河县工业和信息化局", "office_phone": "0319-8161234"})
    assert response.status_code == 302
    county.refresh_from_db()
    assert (county.office_name, county.office_phone, county.reviewing_city_id) == ("清河县工业和信息化局", "0319-8161234", "130500")
    audited = AuditEvent.objects.filter(event=Event.ADMIN_CHANGE).order_by("-id").first()
    assert audited.changes == {"office_name": ["", "清河县工业和信息化局"], "office_phone": ["", "0319-8161234"]}
    client.logout()

    front = client.get("/").content.decode()
    assert "清河县工业和信息化局" in front and 'href="tel:0319-8161234"' in front

    application = eligible_application(campaign=open_campaign, enterprise=EnterpriseFactory(cluster=cluster))
    walk(application, Action.SUBMIT, Action.COUNTY_REJECT)
    application.refresh_from_db()
    assert application.state == State.REJECTED
    client.force_login(application.enterprise.users.get())
    home = client.get(reverse("applications:home")).content.decode()
    assert "如有疑问，请联系清河县工业和信息化局（电话 0319-8161234）。" in home


def test_passed_deadlines_read_closed_on_the_front_page(client):
    today = timezone.localdate()
    campaign = CampaignFactory(opens_on=today - dt.timedelta(days=60), enterprise_deadline=today - dt.timedelta(days=1))
    ClusterFactory()
    page = client.get("/").content.decode()
    passed = f"{campaign.enterprise_deadline.year}年{campaign.enterprise_deadline.month}月{campaign.enterprise_deadline.day}日 23:59"
    county = f"{campaign.county_deadline.year}年{campaign.county_deadline.month}月{campaign.county_deadline.day}日"
    assert f"企业申报已截止（{passed}）" in page
    assert f"企业申报截止 {passed}" not in page and f"，截止 {passed}" not in page
    assert f"，截止 {county}" in page  # the county's deadline still lies ahead


def test_signed_in_user_keeps_the_role_home_at_the_root(client, open_campaign):
    client.force_login(county_official())
    assert client.get("/").url == reverse("review:county_home")
    assert client.get(reverse("guide")).status_code == 200  # still reachable when signed in


def test_notice_page_shows_the_whole_notice(client):
    page = client.get(reverse("guide_notice")).content.decode()
    assert "冀企产〔2024〕12号" in page
    assert "（八）其他能够证明符合申报条件的其他材料" in page
    assert "-1-" not in page  # the page number of the scanned original is gone


def test_report_outline_downloads_as_an_editable_word_document(client):
    response = client.get(reverse("guide_template", args=["report-outline", "docx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))) as docx:
        body = docx.read("word/document.xml").decode()
    for heading in ("一、企业基本情况", "四、自主创新", "八、带动中小企业"):
        assert heading in body


@pytest.mark.parametrize(("name", "expected"), [("report-outline", "在区域经济发展中的地位作用"), ("truthfulness-pledge", "法定代表人（签字）")])
def test_templates_download_as_pdf_with_chinese_text(client, tmp_path, name, expected):
    response = client.get(reverse("guide_template", args=[name, "pdf"]))
    path = tmp_path / "t.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert expected in text
    assert "CJK" in fonts  # a real Chinese font is embedded, not empty boxes


def test_unknown_template_is_not_found(client):
    assert client.get("/guide/templates/passwords.docx").status_code == 404
    assert client.get("/guide/templates/report-outline.exe").status_code == 404
