"""One published list: the public page, the 通报 PDF and the verify page agree, revoked certificates included."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent, Event
from portal.dates import chinese_date
from portal.directory.models import Division
from review import services
from review.documents.services import letter_issue
from review.errors import ActionForbidden, Refused
from review.models import Certificate
from tests.documents.helpers import award, forwarded_application, pdf_text
from tests.factories import city_official, province_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """Two enterprises awarded at one meeting and published."""
    first, second = award([forwarded_application(), forwarded_application()])
    province = province_official()
    services.campaign_publish_results(actor=province, campaign=first.campaign)
    # The 通报 is downloadable once the province has registered its 发文字号 (GB/T 9704).
    letter_issue(
        actor=province, kind="announcement", campaign=first.campaign, unit=Division.objects.get(code="130000"),
        values={"document_number": "冀企产〔2024〕30号", "signer": "", "dated": timezone.localdate()},
    )
    return first, second, province


def public_page(client):
    return client.get(reverse("review:public_awarded")).content.decode()


def announcement(client, campaign):
    response = client.get(reverse("documents:announcement_pdf", args=[campaign.year]))
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content))


def verify_page(client, certificate):
    return client.get(reverse("verify", args=[certificate.token])).content.decode()


def test_revoking_a_certificate_removes_it_from_the_page_and_the_announcement_and_marks_the_verify_page(
    client, published
):
    first, second, province = published
    certificate = Certificate.objects.get(application=first)
    kept = Certificate.objects.get(application=second)
    # Downloaded once before: the 通报 must not be served from a stale copy afterwards.
    before = announcement(client, first.campaign)
    assert certificate.number in before and first.enterprise.name in public_page(client)
    assert "证书真实有效" in verify_page(client, certificate)

    services.certificate_revoke(
        certificate=certificate, actor=province, reason="申报材料弄虚作假", basis="冀企产〔2025〕3号"
    )

    page = public_page(client)
    assert first.enterprise.name not in page and certificate.number not in page
    assert second.enterprise.name in page and kept.number in page
    after = announcement(client, first.campaign)
    assert certificate.number not in after and first.enterprise.name not in after
    assert kept.number in after
    assert "已撤销" in verify_page(client, certificate)
    assert "证书真实有效" in verify_page(client, kept)


def test_revocation_is_recorded_and_audited(published):
    first, _, province = published
    certificate = Certificate.objects.get(application=first)
    services.certificate_revoke(certificate=certificate, actor=province, reason="失信", basis="冀企产〔2025〕3号")
    certificate.refresh_from_db()
    assert (certificate.revoked_reason, certificate.revoked_basis, certificate.revoked_by) == (
        "失信", "冀企产〔2025〕3号", province,
    )
    assert certificate.revoked_at is not None and not certificate.is_valid
    entry = AuditEvent.objects.filter(event=Event.TRANSITION, detail__contains=certificate.number).get()
    assert entry.user == province and "冀企产〔2025〕3号" in entry.detail


def test_only_the_province_revokes_with_a_reason_and_a_basis_and_only_once(published):
    first, _, province = published
    certificate = Certificate.objects.get(application=first)
    with pytest.raises(ActionForbidden):
        services.certificate_revoke(certificate=certificate, actor=city_official("131100"), reason="失信", basis="文号")
    with pytest.raises(Refused, match="撤销原因"):
        services.certificate_revoke(certificate=certificate, actor=province, reason=" ", basis="文号")
    with pytest.raises(Refused, match="撤销依据"):
        services.certificate_revoke(certificate=certificate, actor=province, reason="失信", basis="")
    assert Certificate.objects.get(pk=certificate.pk).is_valid
    services.certificate_revoke(certificate=certificate, actor=province, reason="失信", basis="文号")
    with pytest.raises(Refused, match="已于"):
        services.certificate_revoke(certificate=certificate, actor=province, reason="失信", basis="文号")


def test_a_refused_revocation_says_why_in_the_words_of_the_table_guards(published):
    """The service asks the table's guards (opinion, 撤销依据, certificate in force), which say it as users read it."""
    first, _, province = published
    certificate = Certificate.objects.get(application=first)
    refusals = []
    for reason, basis in ((" ", "文号"), ("失信", " "), ("失信", "文号"), ("失信", "文号")):
        try:
            services.certificate_revoke(certificate=certificate, actor=province, reason=reason, basis=basis)
        except Refused as refusal:
            refusals.append(str(refusal))
    revoked = Certificate.objects.get(pk=certificate.pk)
    assert refusals == [
        "请填写撤销原因。",
        "请填写撤销依据（如省局决定文号）。",
        f"证书 {revoked.number} 已于 {chinese_date(revoked.revoked_at)} 撤销。",
    ]
    refused = AuditEvent.objects.filter(event=Event.TRANSITION, success=False).values_list("detail", flat=True)
    assert [detail.rsplit("未执行：", 1)[1] for detail in refused.order_by("id")] == refusals


def test_the_announcement_lists_only_awards_published(client, published):
    """An award after the publication waits for the next one, in the PDF as on the page."""
    first, _, _ = published
    later = award([forwarded_application()])[0]
    assert later.enterprise.name not in public_page(client)
    assert later.enterprise.name not in announcement(client, first.campaign)
