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
    assert names[:4] == ["一-申请报告.pdf", "二-推荐审核表.pdf", "三-县级核实情况证明.pdf", "证书-冀企产龙〔2024〕第001号.pdf"]
    assert {"四-营业执照-1.pdf", "五-纳税证明-1.pdf", "六-资信证明-1.pdf", "七-荣誉及认证证书-1.pdf",
            "七-荣誉及认证证书-2.png"} <= set(names)
    assert names[-1] == "清单.csv"
    manifest = list(csv.DictReader(io.StringIO(archive.read("清单.csv").decode("utf-8-sig"))))
    assert [row["文件名"] for row in manifest] == names[:-1]
    for row in manifest:
        data = archive.read(row["文件名"])
        assert hashlib.sha256(data).hexdigest() == row["SHA-256"]
        assert int(row["大小（字节）"]) == len(data)
        assert row["备注"] == ""
    honours = next(row for row in manifest if row["文件名"] == "七-荣誉及认证证书-2.png")
    assert "著名商标.png" in honours["说明"]
    assert "河北省产业集群龙头企业推荐审核表" in pdf_text(archive.read("二-推荐审核表.pdf"))
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD, object_id=str(application.pk), detail__contains="材料包").exists()


def test_dossier_manifest_flags_a_file_changed_in_storage(client):
    application = submitted_application()
    material = application.materials.get(kind=MaterialKind.TAX)
    with default_storage.open(material.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 tampered")
    archive = zipfile.ZipFile(io.BytesIO(content(fetch(client, application.enterprise.users.first(), "dossier", application.pk))))
    manifest = list(csv.DictReader(io.StringIO(archive.read("清单.csv").decode("utf-8-sig"))))
    tax = next(row for row in manifest if row["文件名"].startswith("五-"))
    assert tax["备注"] == "与上传时记录的 SHA-256 不一致"
    assert tax["SHA-256"] == hashlib.sha256(b"%PDF-1.4 tampered").hexdigest()
    assert "三-县级核实情况证明.pdf" not in archive.namelist()


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


def test_recommendation_letter_text_lists_forwarded_in_rank_order(client, hengshui_forwarded):
    submitted_application(enterprise=EnterpriseFactory(name="尚未上报的企业有限公司"))
    response = fetch(client, city_official("131100"), "recommendation_letter", format="txt")
    assert response["Content-Type"].startswith("text/plain")
    text = content(response).decode("utf-8")
    assert text.startswith("衡水市工业和信息化局\n关于推荐2024年度河北省产业集群龙头企业的报告")
    assert "河北省中小企业局：" in text and "冀企产〔2024〕12号" in text
    assert "现推荐以下 2 家企业" in text
    assert text.index("安平县恒通金属网业有限公司") < text.index("河北安平丝网股份有限公司")
    assert "1. 安平县丝网产业集群（2 家）" in text
    assert "尚未上报的企业有限公司" not in text
    assert "&amp;" not in text and "附件：河北省产业集群龙头企业汇总表（衡水市）" in text


def test_recommendation_letter_pdf(client, hengshui_forwarded):
    data = content(fetch(client, city_official("131100"), "recommendation_letter"))
    text = pdf_text(data)
    for expected in ("衡水市工业和信息化局", "关于推荐2024年度河北省产业集群龙头企业的报告", "安平县丝网产业集群（2 家）",
                     "安平县恒通金属网业有限公司", "（盖章）"):
        assert squash(expected) in text
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD, detail__contains="推荐文件").exists()


def test_recommendation_letter_of_another_city_is_empty_for_province_and_refused_to_county(client, hengshui_forwarded):
    text = content(fetch(client, province_official(), "recommendation_letter", city="130500", format="txt")).decode()
    assert "本市暂无上报企业" in text and "河北安平丝网股份有限公司" not in text
    assert fetch(client, province_official(), "recommendation_letter").status_code == 404  # which city?
    assert fetch(client, county_official("131125"), "recommendation_letter").status_code == 403


def test_recommendation_letter_city_cannot_ask_for_another_city(client, hengshui_forwarded):
    text = content(fetch(client, city_official("130500"), "recommendation_letter", city="131100", format="txt")).decode()
    assert text.startswith("邢台市工业和信息化局") and "河北安平丝网股份有限公司" not in text


def test_announcement_pdf_is_public_once_published(client):
    first = forwarded_application(enterprise=EnterpriseFactory(name="河北安平丝网股份有限公司"))
    award([first])
    url = reverse("documents:announcement_pdf", args=[2024])
    assert client.get(url).status_code == 404
    Campaign.objects.filter(year=2024).update(results_published_at=timezone.now())
    response = client.get(url)
    data = content(response)
    text = pdf_text(data)
    for expected in ("河北省中小企业局", "关于认定2024年度河北省产业集群龙头企业的通报", "衡水市（1 家）",
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
    text = pdf_text(content(client.get(reverse("documents:announcement_pdf", args=[2024]))))
    assert "保留企业有限公司" in text and "撤销企业有限公司" not in text
