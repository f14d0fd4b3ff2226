"""Uploads (checked by content, all or nothing), replace and delete, and downloads through the permission check."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from applications.models import Application, Material, MaterialKind
from applications.services import material_upload
from applications.uploads import UploadRefused
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent, Event
from tests.factories import (
    MINIMAL_PDF,
    add_material,
    county_official,
    eligible_application,
    enterprise_user,
    png_bytes,
    sysadmin,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def stored_files(location):
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []


def pdf_with(modify):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    modify(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript_action():
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})


def open_action_js(writer):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(javascript_action())


def page_additional_action(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript_action()})


def launch_action(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )


def names_javascript(writer):
    tree = DictionaryObject({NameObject("/Names"): writer._add_object(javascript_action())})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})


def upload(client, application, kind, *files):
    return client.post(
        reverse("applications:materials", args=[application.pk]),
        {"kind": kind, "files": [SimpleUploadedFile(name, content) for name, content in files]},
        follow=True,
    )


def message_text(response):
    return " ".join(str(m) for m in response.context["messages"])


HOSTILE = {
    "fake_pdf": ("营业执照.pdf", b"%PDF-1.4\nthis is not really a pdf at all\n%%EOF"),
    "exe_renamed_png": ("执照.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
    "html_renamed_pdf": ("执照.pdf", b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"),
    "svg_renamed_png": ("执照.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "html_behind_pdf_signature": ("执照.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
    "png_signature_then_garbage": ("执照.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20),
    "pdf_open_action_javascript": ("执照.pdf", pdf_with(open_action_js)),
    "pdf_page_additional_action": ("执照.pdf", pdf_with(page_additional_action)),
    "pdf_launch": ("执照.pdf", pdf_with(launch_action)),
    "pdf_names_javascript": ("执照.pdf", pdf_with(names_javascript)),
    "pdf_hex_escaped_javascript": (
        "执照.pdf", MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/O#70enAction<</S/J#61vaScript/J#53(x)>>")
    ),
    "empty": ("执照.pdf", b""),
}
EXPECTED = {
    "fake_pdf": "已损坏",
    "exe_renamed_png": "不是 PDF、JPG 或 PNG 文件",
    "html_renamed_pdf": "不是 PDF、JPG 或 PNG 文件",
    "svg_renamed_png": "不是 PDF、JPG 或 PNG 文件",
    "html_behind_pdf_signature": "网页代码",
    "png_signature_then_garbage": "已损坏",
    "pdf_open_action_javascript": "JavaScript",
    "pdf_page_additional_action": "自动执行的动作",
    "pdf_launch": "启动外部程序",
    "pdf_names_javascript": "JavaScript",
    "pdf_hex_escaped_javascript": "JavaScript",
    "empty": "空文件",
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_upload_is_refused_and_nothing_is_stored(owner_client, draft, case, _clean_private_storage):
    response = upload(owner_client, draft, MaterialKind.LICENCE, HOSTILE[case])
    assert EXPECTED[case] in message_text(response)
    assert "未上传" in message_text(response)
    assert not Material.objects.exists()
    assert stored_files(_clean_private_storage) == []
    assert not AuditEvent.objects.filter(event=Event.UPLOAD).exists()


def test_oversized_upload_is_refused(owner_client, draft, _clean_private_storage):
    big = b"%PDF-1.4\n" + b"0" * (21 * MB)
    response = upload(owner_client, draft, MaterialKind.LICENCE, ("大文件.pdf", big))
    assert "大小为 21 MB，超过每个文件 20 MB 的上限" in message_text(response)
    assert not Material.objects.exists()
    assert stored_files(_clean_private_storage) == []


def test_valid_pdf_and_images_are_stored_under_generated_names(owner_client, draft, _clean_private_storage):
    response = upload(owner_client, draft, MaterialKind.LICENCE, ("营业执照副本.pdf", MINIMAL_PDF))
    assert "已上传「营业执照副本.pdf」" in message_text(response)
    material = Material.objects.get()
    assert re.fullmatch(rf"materials/{draft.pk}/[0-9a-f]{{32}}", material.file.name)
    assert material.content_type == "application/pdf"
    assert material.size == len(MINIMAL_PDF)
    import hashlib

    assert material.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert stored_files(_clean_private_storage)[0].read_bytes() == MINIMAL_PDF
    assert AuditEvent.objects.filter(event=Event.UPLOAD, object_id=str(material.pk)).exists()


def test_jpeg_renamed_png_is_accepted_with_corrected_extension(owner_client, draft):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buffer, format="JPEG")
    upload(owner_client, draft, MaterialKind.TAX, ("纳税证明.png", buffer.getvalue()))
    material = Material.objects.get()
    assert material.content_type == "image/jpeg"
    assert material.original_name == "纳税证明.jpg"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\执照.pdf", "执照.pdf"),
        ("执\x00照\x07.pdf", "执照.pdf"),
        ("执照\u202efdp.exe.pdf", "执照fdp.exe.pdf"),
        ("长" * 300 + ".pdf", "长" * 96 + ".pdf"),
        ("....pdf", "pdf.pdf"),
        ("\x00\x01", "文件.pdf"),
    ],
)
def test_hostile_names_are_stored_safely(draft, owner, name, shown, _clean_private_storage):
    # Straight to the service: the test client and Django's parser would already clean some of these.
    material = material_upload(
        application_id=draft.pk, kind=MaterialKind.OTHER, files=[SimpleUploadedFile(name, MINIMAL_PDF)], actor=owner
    )[0]
    assert material.original_name == shown
    assert len(material.original_name) <= 100
    assert re.fullmatch(rf"materials/{draft.pk}/[0-9a-f]{{32}}", material.file.name)
    for path in stored_files(_clean_private_storage):
        assert path.is_relative_to(_clean_private_storage / "materials")


def test_hostile_names_through_the_view(owner_client, draft):
    upload(owner_client, draft, MaterialKind.OTHER, ("../../" + "名" * 300 + ".pdf", MINIMAL_PDF))
    material = Material.objects.get()
    assert material.original_name == "名" * 96 + ".pdf"


def test_one_hundred_files_in_one_request_are_refused_with_a_message(owner_client, draft, _clean_private_storage):
    files = [(f"{n}.pdf", MINIMAL_PDF) for n in range(100)]
    response = upload(owner_client, draft, MaterialKind.OTHER, *files)
    assert response.status_code == 200
    assert "一次最多上传 20 个文件" in message_text(response)
    assert not Material.objects.exists()
    assert stored_files(_clean_private_storage) == []


def test_too_many_files_message_also_with_csrf_enforced(client, draft, owner):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    url = reverse("applications:materials", args=[draft.pk])
    page = browser.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    files = [SimpleUploadedFile(f"{n}.pdf", MINIMAL_PDF) for n in range(30)]
    response = browser.post(url, {"csrfmiddlewaretoken": token, "kind": "other", "files": files}, follow=True)
    assert "一次最多上传 20 个文件" in message_text(response)
    # an ordinary upload without the token is still refused by the CSRF check
    refused = browser.post(url, {"kind": "other", "files": [SimpleUploadedFile("a.pdf", MINIMAL_PDF)]})
    assert refused.status_code == 403
    assert not Material.objects.exists()
    ok = browser.post(url, {"csrfmiddlewaretoken": token, "kind": "other", "files": [SimpleUploadedFile("a.pdf", MINIMAL_PDF)]})
    assert ok.status_code == 302
    assert Material.objects.count() == 1


def test_one_bad_file_among_several_stores_none(owner_client, draft, _clean_private_storage):
    response = upload(
        owner_client, draft, MaterialKind.HONOURS,
        ("商标.pdf", MINIMAL_PDF), ("名牌.png", png_bytes()), ("病毒.png", HOSTILE["exe_renamed_png"][1]),
    )
    assert "「病毒.png」" in message_text(response)
    assert not Material.objects.exists()
    assert stored_files(_clean_private_storage) == []


def test_multiple_file_material_accepts_several(owner_client, draft):
    upload(owner_client, draft, MaterialKind.HONOURS, ("商标.pdf", MINIMAL_PDF), ("名牌.png", png_bytes()))
    upload(owner_client, draft, MaterialKind.HONOURS, ("认证.pdf", MINIMAL_PDF))
    assert draft.materials.filter(kind=MaterialKind.HONOURS).count() == 3


def test_single_file_material_refuses_two_at_once(owner_client, draft):
    response = upload(owner_client, draft, MaterialKind.LICENCE, ("a.pdf", MINIMAL_PDF), ("b.pdf", MINIMAL_PDF))
    assert "只能上传一个文件" in message_text(response)
    assert not Material.objects.exists()


def test_single_file_material_is_replaced(owner_client, draft, _clean_private_storage, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(owner_client, draft, MaterialKind.LICENCE, ("旧执照.pdf", MINIMAL_PDF))
    with django_capture_on_commit_callbacks(execute=True):
        upload(owner_client, draft, MaterialKind.LICENCE, ("新执照.png", png_bytes()))
    material = draft.materials.get()
    assert material.original_name == "新执照.png"
    assert stored_files(_clean_private_storage) == [_clean_private_storage / material.file.name]


def test_delete_removes_row_and_file(owner_client, draft, _clean_private_storage, django_capture_on_commit_callbacks):
    upload(owner_client, draft, MaterialKind.OTHER, ("其他.pdf", MINIMAL_PDF))
    material = Material.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("applications:material_delete", args=[material.pk]), follow=True)
    assert "已删除「其他.pdf」" in message_text(response)
    assert not Material.objects.exists()
    assert stored_files(_clean_private_storage) == []


def test_locked_application_refuses_upload_and_delete(client, campaign):
    application = eligible_application(campaign=campaign)
    Application.objects.filter(pk=application.pk).update(state="county_review")
    owner = application.enterprise.users.get()
    client.force_login(owner)
    count = application.materials.count()
    response = upload(client, application, MaterialKind.OTHER, ("补充.pdf", MINIMAL_PDF))
    assert "已锁定" in message_text(response)
    material = application.materials.first()
    response = client.post(reverse("applications:material_delete", args=[material.pk]), follow=True)
    assert "已锁定" in message_text(response)
    assert application.materials.count() == count


@pytest.mark.django_db(transaction=True)
def test_database_failure_after_storing_removes_the_file(draft, _clean_private_storage):
    ghost = User(pk=987654, username="ghost", role=Role.ENTERPRISE, enterprise=draft.enterprise)  # not in the database
    with pytest.raises(Exception):  # noqa: B017 - the foreign key fails at commit, whatever the backend's class
        material_upload(
            application_id=draft.pk, kind=MaterialKind.OTHER, files=[SimpleUploadedFile("a.pdf", MINIMAL_PDF)], actor=ghost
        )
    assert not Material.objects.exists()
    assert stored_files(_clean_private_storage) == []


def test_upload_refused_is_an_upload_refused_error(draft, owner):
    with pytest.raises(UploadRefused):
        material_upload(
            application_id=draft.pk, kind=MaterialKind.OTHER,
            files=[SimpleUploadedFile("x.pdf", b"<html></html>")], actor=owner,
        )


# Downloads


@pytest.fixture
def material(draft, owner):
    return add_material(draft, MaterialKind.LICENCE, name="营业执照 副本(2024).pdf", user=owner)


def test_owner_downloads_as_attachment_with_encoded_name(owner_client, material):
    response = owner_client.get(reverse("applications:material_download", args=[material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC%282024%29.pdf" in disposition
    event = AuditEvent.objects.get(event=Event.DOWNLOAD)
    assert event.object_id == str(material.pk) and event.user.role == Role.ENTERPRISE


def test_inline_view_for_officials(client, material, draft):
    Application.objects.filter(pk=draft.pk).update(state="county_review", submitted_at="2024-05-01T10:00:00+08:00", reviewing_county_id="131125")
    client.force_login(county_official("131125"))
    response = client.get(reverse("applications:material_download", args=[material.pk]) + "?inline=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_enterprise_and_other_county_get_404_and_sysadmin_403(client, material, draft):
    Application.objects.filter(pk=draft.pk).update(state="county_review", submitted_at="2024-05-01T10:00:00+08:00", reviewing_county_id="131125")
    url = reverse("applications:material_download", args=[material.pk])
    for user, status in ((enterprise_user(), 404), (county_official("130534"), 404), (sysadmin(), 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.role
        assert client.get(url + "?inline=1").status_code == status, user.role
    assert not AuditEvent.objects.filter(event=Event.DOWNLOAD, success=True).exists()


def test_anonymous_download_goes_to_login(client, material):
    response = client.get(reverse("applications:material_download", args=[material.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_draft_files_are_not_visible_to_the_county_before_submission(client, material):
    client.force_login(county_official("131125"))
    assert client.get(reverse("applications:material_download", args=[material.pk])).status_code == 404


def test_other_enterprise_cannot_delete_my_file(client, material):
    client.force_login(enterprise_user())
    assert client.post(reverse("applications:material_delete", args=[material.pk])).status_code == 404
    assert Material.objects.filter(pk=material.pk).exists()
