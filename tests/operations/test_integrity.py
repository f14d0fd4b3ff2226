"""Integrity (等保 8.1.4.7): a locked application still hashes to what its last sign-off recorded."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from applications.models import Application, Material
from review.services import perform_transition
from tests.factories import eligible_application

pytestmark = pytest.mark.django_db


def submitted():
    application = eligible_application()
    perform_transition(application_id=application.pk, action="submit", actor=application.enterprise.users.first())
    return application


def run():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_integrity", stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue() + err.getvalue() + str(error)
    return 0, out.getvalue() + err.getvalue()


def test_untouched_applications_pass():
    submitted()
    eligible_application()  # a draft: nothing signed yet
    code, output = run()
    assert code == 0
    assert "完整性校验通过" in output


def test_a_field_changed_behind_the_workflow_is_detected():
    application = submitted()
    Application.objects.filter(pk=application.pk).update(revenue=Decimal("99999.00"))
    code, output = run()
    assert code == 2
    assert f"申报 {application.pk}" in output and "不一致" in output and "提交申报" in output


def test_a_replaced_file_hash_is_detected():
    application = submitted()
    material = application.materials.first()
    Material.objects.filter(pk=material.pk).update(sha256="0" * 64)
    code, output = run()
    assert code == 2
    assert f"申报 {application.pk}" in output


def test_a_locked_application_without_any_record_is_reported():
    application = eligible_application()
    Application.objects.filter(pk=application.pk).update(state="city_review")
    code, output = run()
    assert code == 2
    assert "没有任何审核记录" in output


def test_edits_in_an_editable_state_are_not_flagged():
    application = submitted()
    perform_transition(application_id=application.pk, action="withdraw", actor=application.enterprise.users.first())
    Application.objects.filter(pk=application.pk).update(revenue=Decimal("60000.00"))
    assert run()[0] == 0
