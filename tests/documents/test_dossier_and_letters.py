"""材料包 ZIP with its manifest, the city's 推荐文件, and the 通报 PDF."""

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, MaterialKind
from portal.audit.models import AuditEvent, Event
from portal.directory.models import Campaign
from review.models import Certificate
from tests.documents.helpers import (
    award,
    awarded_application,
    forwarded_application,
    pdf_text,
    squash,
    submitted_application,
)
from tests.factories import (
    EnterpriseFactory,
    add_material,
    city_official,
    county_official,
    png_bytes,
    province_official,
)

pytestmark = pytest.mark.django_db


def fetch(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"documents:{name}", args=args), params)


def content(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_dossier_contains_pdfs_materials_and_a_matching_manifest(client):
    application = awarded_application()
    add_material(application, MaterialKind.HONOURS, content=png_bytes(), name="著名商标.png")
    archive = zipfile.ZipFile(io.BytesIO(content(fetch(client, county_official("131125"), "dossier", application.pk))))
    names = archive.namelist()
    assert names[:4] == ["01_一-申请报告.pdf", "02_二-推荐审核表.pdf", "03_三-县级核实情况证明.pdf", "09_证书-冀企产龙〔2024〕第001号.pdf"]
    assert {"04_四-营业执照-1.pdf", "05_五-纳税证明-1.pdf", "06_六-资信证明-1.pdf", "07_七-荣誉及认证证书-1.pdf",
            "07_七-荣誉及认证证书-2.png"} <= set(names)
    assert sorted(names[:-1]) == sorted(names[:-1], key=lambda n: n[:2])  # sorting by name gives the notice's order
    for info in archive.infolist():
        assert info.date_time[0] >= 2024  # real dates, not 1980-01-01
    assert names[-1] == "清单.csv"
    manifest = list(csv.DictReader(io.StringIO(archive.read("清单.csv").decode("utf-8-sig"))))
    assert [row["文件名"] for row in manifest] == names[:-1]
    for row in manifest:
        data = archive.read(row["文件名"])
        assert hashlib.sha256(data).hexdigest() == row["SHA-256"]
        assert int(row["大小（字节）"]) == len(data)
        assert row["备注"] == ""
    honours = next(row for row in manifest if row["文件名"] == "07_七-荣誉及认证证书-2.png")
    assert "著名商标.png" in honours["说明"]
    assert "河北省产业集群龙头企业推荐审核表" in pdf_text(archive.read("02_二-推荐审核表.pdf"))
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD, object_id=str(application.pk), detail__contains="材料包").exists()


def test_dossier_manifest_flags_a_file_changed_in_storage(client):
    application = submitted_application()
    material = application.materials.get(kind=MaterialKind.TAX)
    with default_storage.open(material.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 tampered")
    archive = zipfile.ZipFile(io.BytesIO(content(fetch(client, application.enterprise.users.first(), "dossier", application.pk))))
    manifest = list(csv.DictReader(io.StringIO(archive.read("清单.csv").decode("utf-8-sig"))))
    tax = next(row for row in manifest if row["文件名"].startswith("05_五-"))
    assert tax["备注"] == "与上传时记录的 SHA-256 不一致"
    assert tax["SHA-256"] == hashlib.sha256(b"%PDF-1.4 tampered").hexdigest()
    assert "03_三-县级核实情况证明.pdf" not in archive.namelist()


def test_dossier_of_another_county_answers_404(client):
    application = submitted_application()
    assert fetch(client, county_official("130534"), "dossier", application.pk).status_code == 404


@pytest.fixture
def hengshui_forwarded():
    first = forwarded_application(enterprise=EnterpriseFactory(name="河北安平丝网股份有限公司"))
    second = forwarded_application(enterprise=EnterpriseFactory(name="安平县恒通金属网业有限公司"))
    Application.objects.filter(pk=first.pk).update(city_rank=2)
    Application.objects.filter(pk=second.pk).update(city_rank=1)
    return first, second


def issue_letter(client, city_code, **values):
    client.force_login(city_official(city_code, full_name="签发人"))
    data = {"document_number": "衡工信字〔2024〕15号", "signer": "张建国", "dated": "2024-10-28", **values}
    response = client.post(reverse("documents:letter_issue", args=["recommendation"]), data)
    assert response.status_code == 302, response.content.decode()[:500]


def test_recommendation_letter_text_lists_forwarded_in_rank_order(client, hengshui_forwarded):
    submitted_application(enterprise=EnterpriseFactory(name="尚未上报的企业有限公司"))
    issue_letter(client, "131100")
    response = fetch(client, city_official("131100"), "recommendation_letter", format="txt")
    assert response["Content-Type"].startswith("text/plain")
    text = content(response).decode("utf-8")
    assert text.startswith("衡水市工业和信息化局文件\n\n衡工信字〔2024〕15号　　签发人：张建国")
    assert "关于推荐2024年度河北省产业集群龙头企业的报告" in text
    assert "河北省中小企业局：" in text and "冀企产〔2024〕12号" in text
    assert "等2家企业" in text
    assert text.index("安平县恒通金属网业有限公司") < text.index("河北安平丝网股份有限公司")
    assert "（一）安平县丝网产业集群（2家）" in text
    assert "尚未上报的企业有限公司" not in text
    assert "&amp;" not in text and "2.河北省产业集群龙头企业汇总表（衡水市）" in text
    assert "2024年10月28日" in text


def test_recommendation_letter_pdf(client, hengshui_forwarded):
    issue_letter(client, "131100")
    data = content(fetch(client, city_official("131100"), "recommendation_letter"))
    text = pdf_text(data)
    for expected in ("衡水市工业和信息化局文件", "关于推荐2024年度河北省产业集群龙头企业的报告", "安平县丝网产业集群（2家）",
                     "安平县恒通金属网业有限公司", "衡工信字〔2024〕15号"):
        assert squash(expected) in text
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD, detail__contains="推荐文件").exists()


def test_recommendation_letter_of_another_city_is_empty_for_province_and_refused_to_county(client, hengshui_forwarded):
    issue_letter(client, "130500", document_number="邢工信字〔2024〕9号")
    text = content(fetch(client, province_official(), "recommendation_letter", city="130500", format="txt")).decode()
    assert "本市暂无推荐企业" in text and "河北安平丝网股份有限公司" not in text
    assert fetch(client, province_official(), "recommendation_letter").status_code == 404  # which city?
    assert fetch(client, county_official("131125"), "recommendation_letter").status_code == 403


def test_recommendation_letter_city_cannot_ask_for_another_city(client, hengshui_forwarded):
    issue_letter(client, "130500", document_number="邢工信字〔2024〕9号")
    text = content(fetch(client, city_official("130500"), "recommendation_letter", city="131100", format="txt")).decode()
    assert text.startswith("邢台市工业和信息化局文件") and "河北安平丝网股份有限公司" not in text


def issue_announcement(client, **values):
    client.force_login(province_official())
    data = {"document_number": "冀企产〔2024〕30号", "dated": "2024-12-20", **values}
    response = client.post(reverse("documents:letter_issue", args=["announcement"]), data)
    assert response.status_code == 302
    client.logout()


def test_announcement_pdf_is_public_once_published(client):
    first = forwarded_application(enterprise=EnterpriseFactory(name="河北安平丝网股份有限公司"))
    award([first])
    url = reverse("documents:announcement_pdf", args=[2024])
    assert client.get(url).status_code == 404
    Campaign.objects.filter(year=2024).update(results_published_at=timezone.now())
    issue_announcement(client)
    response = client.get(url)
    data = content(response)
    text = pdf_text(data)
    for expected in ("河北省中小企业局", "关于认定2024年度河北省产业集群龙头企业的通报", "衡水市（1家）",
                     "冀企产龙〔2024〕第001号", "河北安平丝网股份有限公司", "安平县丝网产业集群"):
        assert squash(expected) in text
    # Rendered once, then served from storage.
    assert content(client.get(url)) == data
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD, object_type="directory.Campaign").count() == 2


def test_announcement_pdf_leaves_out_revoked_certificates(client):
    first, second = award(
        [forwarded_application(enterprise=EnterpriseFactory(name=n)) for n in ("保留企业有限公司", "撤销企业有限公司")]
    )
    Certificate.objects.filter(application=second).update(revoked_at=timezone.now())
    Campaign.objects.filter(year=2024).update(results_published_at=timezone.now())
    issue_announcement(client)
    text = pdf_text(content(client.get(reverse("documents:announcement_pdf", args=[2024]))))
    assert "保留企业有限公司" in text and "撤销企业有限公司" not in text


def test_paper_copy_is_one_bookmarked_pdf_with_every_form_and_material(client):
    import pikepdf

    from tests.documents.helpers import pdf_pages_text, save_pages_png

    application = awarded_application()
    add_material(application, MaterialKind.HONOURS, content=png_bytes(), name="著名商标.png")
    data = content(fetch(client, county_official("131125"), "paper_copy", application.pk))
    save_pages_png(data, "paper-copy", first=1, last=3)
    pages = pdf_pages_text(data)
    pdf = pikepdf.open(io.BytesIO(data))
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles[:5] == ["封面", "目录", "河北省产业集群龙头企业申请报告", "河北省产业集群龙头企业推荐审核表",
                          "县级中小企业管理部门核实情况证明"]
    assert {"四、营业执照（1）", "五、纳税证明（1）", "七、荣誉及认证证书（2）"} <= set(titles)
    assert "目录" in pages[1] and "河北省产业集群龙头企业申请报告" in pages[1]
    total = len(pages)
    assert f"共{total}页" in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"材料第{number}页/共{total}页" in page, number
    # The contents' page numbers point at the parts.
    with pdf.open_outline() as outline:
        form = next(item for item in outline.root if item.title == "河北省产业集群龙头企业推荐审核表")
        first = pdf.pages.index(pdf.get_object(form.destination[0].objgen)) + 1
    assert "河北省产业集群龙头企业推荐审核表" in pages[first - 1]
    assert f"河北省产业集群龙头企业推荐审核表第{first}页" in pages[1]
    # The image is placed on its own page.
    image_page = next(page for page in pages if "著名商标.png" in page)
    assert "七、荣誉及认证证书（2）" in image_page


def test_city_downloads_its_recommended_paper_copies_as_one_file(client, hengshui_forwarded):
    import pikepdf

    submitted_application(enterprise=EnterpriseFactory(name="尚未上报的企业有限公司"))
    data = content(fetch(client, city_official("131100"), "forwarded_bundle"))
    pdf = pikepdf.open(io.BytesIO(data))
    with pdf.open_outline() as outline:
        names = [item.title for item in outline.root]
    assert names == ["安平县恒通金属网业有限公司", "河北安平丝网股份有限公司"]  # 推荐顺序, as in the 汇总表
    assert fetch(client, city_official("130500"), "forwarded_bundle").status_code == 404
    assert fetch(client, county_official("131125"), "forwarded_bundle").status_code == 403
