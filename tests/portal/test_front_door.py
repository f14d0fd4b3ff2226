"""The public 办事指南 at /, the notice, the templates to download; signed-in users keep their role's home."""

import io
import subprocess
import zipfile

import pytest
from django.urls import reverse

from portal.directory.models import Division
from tests.factories import CampaignFactory, ClusterFactory, county_official

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
