"""Done when: after a campaign is awarded, the province exports the 汇总表 and generates the certificates from
its pages, and a certificate's QR code opens its verification page."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from review.models import Certificate
from tests.documents.helpers import award, forwarded_application, pdf_page_count
from tests.factories import EnterpriseFactory, province_official

pytestmark = pytest.mark.django_db


def link(html: str, text: str) -> str:
    match = re.search(r'href="([^"]+)"[^>]*>' + re.escape(text) + "<", html)
    assert match, text
    return match.group(1).replace("&amp;", "&")


def test_province_exports_generates_and_the_qr_code_verifies(client, django_capture_on_commit_callbacks, pdf_file, qr_codes):
    applications = award(
        [forwarded_application(enterprise=EnterpriseFactory(name=f"安平县第{n}龙头企业有限公司")) for n in range(1, 4)]
    )
    client.force_login(province_official())
    listing = client.get(reverse("review:province_list")).content.decode()

    workbook = load_workbook(io.BytesIO(b"".join(client.get(link(listing, "导出汇总表")).streaming_content)))
    total = list(workbook["全省汇总"].iter_rows(min_row=4))[-1]
    assert (total[1].value, total[5].value, total[8].value, total[9].value) == ("合计", 3, 153000, 7800)

    batch_page = link(listing, "生成证书")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(batch_page)
    page = client.get(batch_page).content.decode()
    combined = b"".join(client.get(link(page, "下载证书（合订本 PDF）")).streaming_content)
    assert pdf_page_count(combined) == 3
    with zipfile.ZipFile(io.BytesIO(b"".join(client.get(link(page, "下载证书（逐份 ZIP）")).streaming_content))) as archive:
        assert len(archive.namelist()) == 3

    certificate = Certificate.objects.get(application=applications[0])
    scanned = qr_codes(pdf_file(combined), page=1)
    assert scanned == [f"{settings.PUBLIC_BASE_URL}/verify/{certificate.token}"]
    client.logout()
    verification = client.get(scanned[0].removeprefix(settings.PUBLIC_BASE_URL)).content.decode()
    assert "证书真实有效" in verification and "安平县第1龙头企业有限公司" in verification
