"""Certificates: content, fonts, the QR code to /verify/<token>, the public verification page, the seal,
and 生成证书 through the task worker."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.audit.models import AuditEvent, Event
from portal.directory.admin import CampaignForm
from review.documents.certificates import certificate_date, chinese_number
from review.models import Certificate, CertificateBatch
from tests.documents.conftest import embedded_cjk_fonts
from tests.documents.helpers import (
    award,
    awarded_application,
    bulk_forwarded,
    pdf_page_count,
    pdf_text,
    pdffonts,
)
from tests.factories import (
    CampaignFactory,
    city_official,
    county_official,
    png_bytes,
    province_official,
    sysadmin,
)

pytestmark = pytest.mark.django_db


def download_certificate(client, user, application):
    client.force_login(user)
    response = client.get(reverse("documents:certificate_pdf", args=[application.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_certificate_pdf_has_number_title_enterprise_and_cjk_font(client, pdf_file):
    application = awarded_application()
    data = download_certificate(client, application.enterprise.users.first(), application)
    text = pdf_text(data)
    for expected in ("证书编号：冀企产龙〔2024〕第001号", "河北省产业集群龙头企业", application.enterprise.name,
                     application.enterprise.credit_code, "安平县丝网产业集群", "河北省中小企业局", "特发此证",
                     "有效期至", "扫码验证证书真伪"):
        assert expected in text, expected
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297
    fonts = embedded_cjk_fonts(pdffonts(pdf_file(data)))
    assert any(name.replace("-", "").startswith(("NotoSansCJK", "NotoSerifCJK")) for name in fonts), fonts


def test_certificate_qr_decodes_to_its_verification_page(client, pdf_file, qr_codes):
    application = awarded_application()
    certificate = Certificate.objects.get(application=application)
    data = download_certificate(client, city_official("131100"), application)
    expected = f"{settings.PUBLIC_BASE_URL}/verify/{certificate.token}"
    assert qr_codes(pdf_file(data)) == [expected]
    client.logout()
    page = client.get(expected.removeprefix(settings.PUBLIC_BASE_URL))
    assert page.status_code == 200
    assert "证书真实有效" in page.content.decode()


def test_verify_page_valid_certificate(client):
    application = awarded_application()
    certificate = Certificate.objects.get(application=application)
    response = client.get(reverse("verify", args=[certificate.token]))
    content = response.content.decode()
    assert response.status_code == 200
    for expected in ("证书真实有效", "有效", certificate.number, application.enterprise.name, "安平县丝网产业集群"):
        assert expected in content
    assert "52000" not in content  # no financial data on a public page


def test_verify_page_revoked_certificate(client):
    application = awarded_application()
    certificate = Certificate.objects.get(application=application)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revoked_reason="虚报数据")
    content = client.get(reverse("verify", args=[certificate.token])).content.decode()
    assert "已撤销" in content and "证书真实有效" not in content
    assert "虚报数据" not in content  # the reason is internal


def test_verify_page_unknown_token_shows_nothing(client):
    awarded_application()
    response = client.get(reverse("verify", args=["not-a-real-token"]))
    assert response.status_code == 404
    content = response.content.decode()
    assert "未找到证书" in content and "冀企产龙" not in content


def test_certificate_only_for_awarded_applications(client):
    from tests.documents.helpers import forwarded_application

    application = forwarded_application()
    client.force_login(province_official())
    assert client.get(reverse("documents:certificate_pdf", args=[application.pk])).status_code == 404


def test_certificate_prints_the_uploaded_seal(client):
    application = awarded_application()
    campaign = application.campaign
    campaign.seal_image.save("seal.png", ContentFile(png_bytes()), save=True)
    data = download_certificate(client, province_official(), application)
    assert "（印章）" not in pdf_text(data)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 1


def test_certificate_ignores_a_seal_that_is_not_png_or_jpeg(client):
    application = awarded_application()
    campaign = application.campaign
    campaign.seal_image.save("seal.png", ContentFile(b"GIF89a" + b"\x00" * 20), save=True)
    data = download_certificate(client, province_official(), application)
    assert "特发此证" in pdf_text(data)
    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 0  # nothing printed: room for a hand stamp


def campaign_form(campaign, upload):
    data = {k: v for k, v in model_to_dict(campaign).items() if v is not None and k != "seal_image"}
    return CampaignForm(data=data, files={"seal_image": upload}, instance=campaign)


def gif_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="GIF")
    return buffer.getvalue()


def test_admin_seal_accepts_png_and_refuses_other_images():
    campaign = CampaignFactory()
    form = campaign_form(campaign, SimpleUploadedFile("seal.gif", gif_bytes(), content_type="image/gif"))
    assert not form.is_valid()
    assert "PNG 或 JPG" in str(form.errors["seal_image"])
    form = campaign_form(campaign, SimpleUploadedFile("seal.png", png_bytes(), content_type="image/png"))
    assert form.is_valid(), form.errors
    form.save()
    campaign.refresh_from_db()
    assert campaign.seal_image.name.startswith("seals/")


def test_admin_campaign_page_offers_the_seal_upload(client):
    campaign = CampaignFactory()
    client.force_login(sysadmin())
    response = client.get(reverse("admin:directory_campaign_change", args=[campaign.pk]))
    assert response.status_code == 200
    assert 'name="seal_image"' in response.content.decode()


def test_certificate_dates_in_chinese_numerals():
    import datetime as dt

    assert [chinese_number(n) for n in (1, 5, 10, 11, 20, 29, 31)] == ["一", "五", "十", "十一", "二十", "二十九", "三十一"]
    assert certificate_date(dt.date(2024, 11, 5)) == "二〇二四年十一月五日"


# --- 生成证书 -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_certificate_batch_runs_through_the_task_worker(client, settings):
    """The request queues one task (after its commit), and `db_worker --batch` runs it. Each hand-over is checked
    on its own, so a failure names the step: the backend the settings chose, the queued row, the task's outcome."""
    from django.db import connection
    from django_tasks import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from review.documents.tasks import generate_certificate_batch

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # django-tasks keeps its backends per alias; the settings change must reach the task, or it would run at once.
    assert isinstance(generate_certificate_batch.get_backend(), DatabaseBackend)
    # Outside any transaction, so the enqueue runs at the request's commit (not at a commit that never comes).
    assert not connection.in_atomic_block
    campaign = CampaignFactory()
    bulk_forwarded(8, campaign=campaign, awarded_every=2)  # 4 certificates
    user = province_official()
    client.force_login(user)
    page = client.get(reverse("documents:certificate_batch"))
    assert "生成证书" in page.content.decode() and "有效的证书 4 份" in page.content.decode()

    response = client.post(reverse("documents:certificate_batch"))
    assert response.status_code == 302
    batch = CertificateBatch.objects.get()
    assert (batch.status, batch.total) == ("queued", 4)
    queued = DBTaskResult.objects.get()
    assert (queued.status, queued.task_path, queued.args_kwargs["args"]) == (
        TaskResultStatus.READY, generate_certificate_batch.module_path, [batch.pk]
    )
    assert DBTaskResult.objects.ready().filter(pk=queued.pk).exists()  # runnable now, not at a later run_after
    status = client.get(reverse("documents:certificate_batch_status", args=[batch.pk])).json()
    assert status == {"status": "queued", "status_label": "排队中", "done": 0, "total": 4, "finished": False}
    assert "js/documents-batch.js" in client.get(reverse("documents:certificate_batch")).content.decode()
    # A second request while one is queued is refused.
    client.post(reverse("documents:certificate_batch"))
    assert CertificateBatch.objects.count() == 1 and DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay")

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL, queued.traceback
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("finished", 4, 4), batch.error
    assert client.get(reverse("documents:certificate_batch_status", args=[batch.pk])).json()["finished"] is True

    combined = b"".join(client.get(reverse("documents:certificate_batch_file", args=[batch.pk, "pdf"])).streaming_content)
    assert pdf_page_count(combined) == 4
    numbers = [c.number for c in Certificate.objects.filter(campaign=campaign).order_by("serial")]
    text = pdf_text(combined)
    assert all(number in text for number in numbers)

    archive = b"".join(client.get(reverse("documents:certificate_batch_file", args=[batch.pk, "zip"])).streaming_content)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        names = zipped.namelist()
        assert len(names) == 4 and all(name.endswith(".pdf") for name in names)
        assert [name.split("-")[0] for name in names] == numbers
        assert all(pdf_page_count(zipped.read(name)) == 1 for name in names)
    assert AuditEvent.objects.filter(event=Event.DOWNLOAD, user=user).count() == 2


def test_certificate_batch_refused_without_certificates(client):
    CampaignFactory()
    client.force_login(province_official())
    response = client.post(reverse("documents:certificate_batch"), follow=True)
    assert "尚无已认定企业" in response.content.decode()
    assert not CertificateBatch.objects.exists()


@pytest.mark.parametrize("make_user", [lambda: city_official("131100"), lambda: county_official("131125"), sysadmin])
def test_certificate_batch_only_for_the_province(client, make_user):
    CampaignFactory()
    client.force_login(make_user())
    assert client.get(reverse("documents:certificate_batch")).status_code == 403
    assert client.post(reverse("documents:certificate_batch")).status_code == 403


def test_certificate_batch_immediate_backend_finishes_in_request(client, django_capture_on_commit_callbacks):
    """With the test settings' immediate backend the task runs at commit; files then download."""
    campaign = CampaignFactory()
    bulk_forwarded(4, campaign=campaign, awarded_every=2)
    client.force_login(province_official())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:certificate_batch"))
    batch = CertificateBatch.objects.get()
    assert batch.status == "finished"
    page = client.get(reverse("documents:certificate_batch")).content.decode()
    assert reverse("documents:certificate_batch_file", args=[batch.pk, "zip"]) in page


def test_certificate_batch_saves_its_progress_after_each_certificate():
    """The status page reads `done` from the row: it is written after every certificate, 1, 2, 3, 4."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from review.documents.batch import certificate_batch_run

    campaign = CampaignFactory()
    bulk_forwarded(8, campaign=campaign, awarded_every=2)  # 4 certificates
    batch = CertificateBatch.objects.create(campaign=campaign, requested_by=province_official(), total=4)
    with CaptureQueriesContext(connection) as queries:
        certificate_batch_run(batch_id=batch.pk)
    table = CertificateBatch._meta.db_table
    progress = [
        int(match.group(1))
        for query in queries.captured_queries
        if query["sql"].startswith(f'UPDATE "{table}"') and "status" not in query["sql"]
        for match in [re.search(r'"done" = (\d+)', query["sql"])] if match
    ]
    assert progress == [1, 2, 3, 4]
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("finished", 4, 4)
    assert pdf_page_count(batch.combined_pdf.read()) == 4


def test_issue_certificates_command_writes_combined_and_single_pdfs(tmp_path):
    campaign = CampaignFactory()
    bulk_forwarded(6, campaign=campaign, awarded_every=2)
    call_command("issue_certificates", "--campaign", "2024", "--out", str(tmp_path / "certs"))
    files = sorted(p.name for p in (tmp_path / "certs").iterdir())
    assert "2024年度龙头企业证书合订本.pdf" in files
    assert len(files) == 4
    assert pdf_page_count((tmp_path / "certs" / "2024年度龙头企业证书合订本.pdf").read_bytes()) == 3


def printed_numbers(pdf: bytes) -> list[str]:
    return re.findall(r"证书编号：(冀企产龙〔\d{4}〕第\d{3}号(?:-\d+)?)", pdf_text(pdf))


def test_a_reissued_certificate_is_printed_and_listed_only_under_its_new_number(client, tmp_path):
    """换发证书: the 合订本, the ZIP, issue_certificates, the batch page's count and the 牌匾制作清单 hold the
    replacement (第001号-1), never the replaced certificate (第001号, 已换发)."""
    from applications.selectors import applications_visible_to
    from review.documents.batch import certificate_batch_run
    from review.documents.summary import plaque_rows
    from tests.documents.helpers import forwarded_application
    from titles.services import title_reissue

    first, second = award([forwarded_application(), forwarded_application()])
    province = province_official()
    old = first.certificate
    new = title_reissue(actor=province, certificate_id=old.pk, reason="企业更名")
    kept = second.certificate
    assert (new.number, old.number) == ("冀企产龙〔2024〕第001号-1", "冀企产龙〔2024〕第001号")

    batch = CertificateBatch.objects.create(campaign=first.campaign, requested_by=province, total=2)
    certificate_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.total) == ("finished", 2)
    assert printed_numbers(batch.combined_pdf.read()) == [new.number, kept.number]
    single_files = [f"{new.number}-{first.enterprise.name}.pdf", f"{kept.number}-{second.enterprise.name}.pdf"]
    with zipfile.ZipFile(batch.zip_file.open("rb")) as archive:
        assert archive.namelist() == single_files

    out = tmp_path / "certs"
    call_command("issue_certificates", "--campaign", "2024", "--out", str(out))
    combined = out / "2024年度龙头企业证书合订本.pdf"
    assert printed_numbers(combined.read_bytes()) == [new.number, kept.number]
    assert sorted(p.name for p in out.iterdir() if p != combined) == sorted(single_files)

    client.force_login(province)
    assert "有效的证书 2 份" in client.get(reverse("documents:certificate_batch")).content.decode()
    plaques = plaque_rows(visible=applications_visible_to(province), campaign=first.campaign)
    assert [p.certificate_number for p in plaques] == [new.number, kept.number]


def test_certificate_batch_abandoned_by_its_worker_does_not_block_forever(client):
    import datetime as dt

    campaign = CampaignFactory()
    bulk_forwarded(2, campaign=campaign, awarded_every=2)
    user = province_official()
    stuck = CertificateBatch.objects.create(campaign=campaign, requested_by=user, total=1, status="running")
    client.force_login(user)
    client.post(reverse("documents:certificate_batch"))
    assert CertificateBatch.objects.count() == 1  # a recent running batch blocks a new one
    CertificateBatch.objects.filter(pk=stuck.pk).update(requested_at=timezone.now() - dt.timedelta(hours=3))
    client.post(reverse("documents:certificate_batch"))
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "超时" in stuck.error
    assert CertificateBatch.objects.filter(status="queued").count() == 1


FIFTY = "河北省衡水市安平县高新技术产业开发区恒信达精密丝网机械制造与智能装备科技研发销售服务集团股份有限公司"


def qr_box(pdf_path):
    """The QR code's box on page 1 in points from the top left, read from the PDF's drawing operators:
    WeasyPrint clips the image to its box (a square `re`) and then moves the origin there (`cm`)."""
    import pikepdf

    pdf = pikepdf.open(pdf_path)
    page = pdf.pages[0]
    height = float(page.mediabox[3])
    scale, last_rect, boxes = 1.0, None, []
    for operands, operator in pikepdf.parse_content_stream(page):
        values = [float(v) for v in operands] if str(operator) in ("cm", "re") else []
        if str(operator) == "cm" and values[:4] == [1, 0, 0, -1] and abs(values[5] - height) < 0.01:
            continue  # the page's flip to top-left coordinates
        if str(operator) == "cm" and values[1:3] == [0, 0] and values[0] == values[3] and values[4:] == [0, 0]:
            scale = scale if boxes or last_rect else values[0]  # the CSS px → pt scale set once at the start
        if str(operator) == "re":
            last_rect = values
        elif str(operator) == "cm" and last_rect and values[:4] == [1, 0, 0, 1] and values[4:] == last_rect[:2]:
            x, y, w, h = last_rect
            if abs(w - h) < 0.01 and w > 50:
                boxes.append((x * scale, y * scale, (x + w) * scale, (y + h) * scale))
    assert len(boxes) == 1, boxes
    return boxes[0]


def test_certificate_with_a_fifty_character_name_keeps_the_qr_code_clear(client, pdf_file, tmp_path):
    from applications.models import Enterprise
    from review.models import validity_end as valid_until
    from tests.documents.helpers import save_pages_png, word_boxes

    assert len(FIFTY) == 50
    application = awarded_application()
    Enterprise.objects.filter(pk=application.enterprise_id).update(name=FIFTY)
    data = download_certificate(client, province_official(), application)
    save_pages_png(data, "certificate-50-characters")
    path = pdf_file(data)
    x0, y0, x1, y1 = qr_box(path)
    assert abs((x1 - x0) - 32 * 72 / 25.4) < 1  # the 32 mm QR code
    words = word_boxes(path)[0]["words"]
    text = "".join(w[0] for w in words)
    assert FIFTY in text
    certificate = Certificate.objects.get(application=application)
    until = certificate_date(valid_until(certificate.issued_on, 3))
    assert f"有效期至{until}" in text
    assert "“河北省产业集群龙头企业”" in text and "「" not in text
    assert "（印章）" not in text  # no placeholder where the seal goes
    for word, wx0, wy0, wx1, wy1 in words:
        if word == "扫码验证证书真伪":
            continue  # the QR code's own caption, below it
        overlap = min(x1, wx1) - max(x0, wx0) > 0 and min(y1, wy1) - max(y0, wy0) > 0
        assert not overlap, f"{word} overlaps the QR code"
    # The name takes at most two lines and the text after it stays in its column above the issuer.
    name_lines = [w for w in words if w[0] and w[0] in FIFTY + "："]
    assert 1 <= len({round(w[2]) for w in name_lines}) <= 2


def test_valid_until_is_the_day_before_the_anniversary():
    import datetime as dt

    from review.models import validity_end as valid_until

    assert valid_until(dt.date(2024, 12, 20), 3) == dt.date(2027, 12, 19)
    assert valid_until(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)  # 29 February counts from 1 March
    assert valid_until(dt.date(2024, 1, 1), 1) == dt.date(2024, 12, 31)
