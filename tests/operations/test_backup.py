"""Backup and restore (等保 8.1.4.9): back up, wipe everything, restore, and compare every table's row
count and every private file's SHA-256."""

import hashlib
import io
import json
import tarfile

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from operations.backup import storage_files
from portal.audit.models import AuditEvent, Event
from portal.audit.services import audit
from review.services import perform_transition
from tests.factories import PASSWORD, auditor, eligible_application
from tests.security.conftest import give_device

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts():
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model is not Session and not model._meta.proxy
    }


def file_hashes():
    hashes = {}
    for name in storage_files():
        with default_storage.open(name, "rb") as handle:
            hashes[name] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


def make_data():
    application = eligible_application()
    user = application.enterprise.users.first()
    perform_transition(application_id=application.pk, action="submit", actor=user)
    give_device(auditor(username="shenji"))
    audit(Event.EXPORT, user=user, detail="导出")
    default_storage.save("generated/汇总表.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    return application


def wipe():
    call_command("flush", interactive=False, verbosity=0)
    for name in list(storage_files()):
        default_storage.delete(name)
    assert not list(storage_files())
    assert not AuditEvent.objects.exists()


def test_backup_wipe_restore_round_trip(tmp_path):
    from django.test import Client

    application = make_data()
    before = Client()
    before.force_login(application.enterprise.users.first())
    assert before.get(f"/enterprise/applications/{application.pk}/").status_code == 200
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup_portal", out=str(archive), stdout=out)
    assert "备份完成" in out.getvalue()
    counts, hashes = row_counts(), file_hashes()
    assert len(hashes) >= 5 and counts["review.ReviewRecord"] == 1 and counts["otp_totp.TOTPDevice"] == 1

    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == hashes
    assert manifest["rows"]["applications.Application"] == 1

    wipe()
    out = io.StringIO()
    call_command("restore_portal", str(archive), yes=True, stdout=out)
    assert "恢复完成" in out.getvalue()

    restored = row_counts()
    assert restored.pop("audit.AuditEvent") == counts.pop("audit.AuditEvent") + 1  # the restore records itself
    assert restored == counts
    assert file_hashes() == hashes
    assert AuditEvent.objects.latest("id").detail.startswith("从备份恢复")
    # The restored portal works: the signed data still matches, people can log in.
    verify = io.StringIO()
    call_command("verify_integrity", stdout=verify)
    assert "完整性校验通过" in verify.getvalue()
    # Sessions are not restored, cached copies included: whoever was signed in before signs in again.
    assert before.get(f"/enterprise/applications/{application.pk}/").status_code == 302
    client = Client()
    user = application.enterprise.users.first()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.get(f"/enterprise/applications/{application.pk}/").status_code == 200


def test_restore_refuses_a_tampered_archive_and_changes_nothing(tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup_portal", out=str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "files/generated/汇总表.xlsx":
                data = data.replace(b"not", b"NOT")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    counts, hashes = row_counts(), file_hashes()
    with pytest.raises(CommandError, match="SHA-256 与清单不符"):
        call_command("restore_portal", str(tampered), yes=True, stdout=io.StringIO())
    assert row_counts() == counts and file_hashes() == hashes


def test_restore_removes_files_the_backup_did_not_have(tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup_portal", out=str(archive), stdout=io.StringIO())
    hashes = file_hashes()
    default_storage.save("stray/later.pdf", ContentFile(b"%PDF-1.4 later"))
    call_command("restore_portal", str(archive), yes=True, stdout=io.StringIO())
    assert file_hashes() == hashes


def test_check_only_verifies(tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup_portal", out=str(archive), stdout=io.StringIO())
    before = row_counts()
    out = io.StringIO()
    call_command("restore_portal", str(archive), check=True, stdout=out)
    assert "备份校验通过" in out.getvalue()
    assert row_counts() == before
