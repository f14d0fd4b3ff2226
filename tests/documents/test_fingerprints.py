"""A document carries the fingerprint of the data it prints; the verify page tells the three cases apart."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.fingerprint import fingerprint
from applications.models import Application
from review.models import ReviewRecord
from review.services import perform_transition
from tests.documents.helpers import pdf_text, submitted_application
from tests.factories import county_official

pytestmark = pytest.mark.django_db


def form_text(client, user, application) -> str:
    client.force_login(user)
    response = client.get(reverse("documents:form_pdf", args=[application.pk]))
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content))


def verify_page(client, sha):
    client.logout()
    response = client.get(reverse("verify_document", args=[sha]))
    return response.status_code, response.content.decode()


def test_edited_application_prints_its_new_fingerprint_and_the_verify_page_tells_the_three_cases(client):
    application = submitted_application()
    county = county_official("131125")
    enterprise_user = application.enterprise.users.first()
    signed = ReviewRecord.objects.get(application=application, action="submit").data_sha256
    assert f"{signed[:16]}" in form_text(client, county, application)
    assert "签署记录一致" in form_text(client, county, application)

    perform_transition(application_id=application.pk, action="county_return", actor=county, opinion="请补充材料。")
    Application.objects.filter(pk=application.pk).update(revenue=Decimal("60000.00"))
    edited = Application.objects.get(pk=application.pk)
    changed = fingerprint(edited)
    assert changed != signed
    text = form_text(client, enterprise_user, edited)
    assert changed[:16] in text and signed[:16] not in text  # the data printed, not the old signature
    assert "本文件数据与最近一次签署记录" in text and "不一致" in text and "60,000.00" in text

    status, page = verify_page(client, changed)
    assert status == 404 and "无此记录" in page
    status, page = verify_page(client, signed)
    assert status == 200 and "与签署记录一致" in page

    perform_transition(application_id=application.pk, action="submit", actor=enterprise_user)
    status, page = verify_page(client, signed)
    assert status == 200 and "为较早的签署版本" in page and "与签署记录一致" not in page
    status, page = verify_page(client, changed)
    assert status == 200 and "与签署记录一致" in page
    for secret in ("60000", "待县级初审", application.enterprise.credit_code):
        assert secret not in page
