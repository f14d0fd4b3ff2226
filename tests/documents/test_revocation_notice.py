"""撤销称号通报 (a 公文 like the 通报 of awards): it lists the revocations not announced before, keeps them as
issued, and only the province issues or downloads it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent, Event
from review.documents import services as document_services
from review.models import Certificate, IssuedLetter, LetterKind, RevocationNoticeEntry
from tests.documents.helpers import (
    awarded_application,
    bulk_forwarded,
    pdf_pages_text,
    save_pages_png,
    squash,
    word_boxes,
)
from tests.factories import (
    CampaignFactory,
    EnterpriseFactory,
    city_official,
    county_official,
    province_official,
)
from titles import services as title_services

pytestmark = pytest.mark.django_db

ISSUE = {
    "document_number": "冀中小企〔2026〕12号",
    "dated": f"{timezone.localdate():%Y-%m-%d}",
    "copy_to": "省工业和信息化厅",
    "contact_name": "赵丽",
    "contact_phone": "0311-87654321",
}
TODAY = f"{timezone.localdate().year}年{timezone.localdate().month}月{timezone.localdate().day}日"
PAGE = reverse("documents:letter_issue", args=["revocation"])


def revoke(application, *, ground="accident", basis="冀中小企〔2026〕9号", reason="2025年发生较大生产安全事故。"):
    title_services.title_revoke(
        actor=province_official(), certificate_id=application.certificate.pk, ground=ground, basis=basis, reason=reason
    )
    return Certificate.objects.get(pk=application.certificate.pk)


def issue(client, user, **values):
    client.force_login(user)
    return client.post(PAGE, {**ISSUE, **values})


def pdf_of(client, letter):
    response = client.get(reverse("documents:revocation_notice_pdf", args=[letter.pk]))
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_the_certificates_page_leads_to_the_notice_listing_the_unannounced_revocations(client):
    first = revoke(awarded_application(enterprise=EnterpriseFactory(name="河北甲安全事故有限公司")))
    second = revoke(
        awarded_application(enterprise=EnterpriseFactory(name="河北乙违法企业有限公司")),
        ground="illegal", basis="冀中小企〔2026〕10号", reason="因偷税被税务机关处罚。",
    )
    province = province_official()
    client.force_login(province)
    certificates_page = client.get(reverse("titles:certificates")).content.decode()
    assert "有 2 项撤销尚未通报" in certificates_page and PAGE in certificates_page
    page = client.get(PAGE).content.decode()
    listed = page.split('id="pending-revocations"')[1].split("</table>")[0]
    assert first.number in listed and second.number in listed

    response = issue(client, province)
    assert response.status_code == 302
    letter = IssuedLetter.objects.get(kind=LetterKind.REVOCATION)
    assert [e.certificate_number for e in letter.revocation_entries.order_by("position")] == [first.number, second.number]
    assert AuditEvent.objects.filter(event=Event.ADMIN_CHANGE, detail__contains="冀中小企〔2026〕12号").filter(
        detail__contains=first.number
    ).exists()

    data = pdf_of(client, letter)
    save_pages_png(data, "revocation-notice-short")
    pages = pdf_pages_text(data)
    text = "".join(pages)
    assert squash("河北省中小企业局文件") in pages[0] and "冀中小企〔2026〕12号" in pages[0]
    assert "关于撤销河北甲安全事故有限公司等2家企业“河北省产业集群龙头企业”称号的通报" in text
    assert first.number in text and second.number in text
    assert "冀中小企〔2026〕9号" in text and "冀中小企〔2026〕10号" in text  # each revocation's decision
    assert "发生重大质量、安全、环保等事故" in text and "存在违法违纪等问题" in text
    assert TODAY in text and "抄送：省工业和信息化厅。" in text
    assert "签发人" not in text and "「" not in text
    assert "所有撤销均已通报" in client.get(reverse("titles:certificates")).content.decode()


def test_an_issued_notice_never_changes_and_later_revocations_go_into_the_next(client):
    first = revoke(awarded_application(enterprise=EnterpriseFactory(name="河北先撤销企业有限公司")))
    province = province_official()
    issue(client, province)
    letter = IssuedLetter.objects.get(kind=LetterKind.REVOCATION)
    before = pdf_pages_text(pdf_of(client, letter))
    later = revoke(awarded_application(enterprise=EnterpriseFactory(name="河北后撤销企业有限公司")))
    first.issued_for.enterprise.__class__.objects.filter(pk=first.issued_for.enterprise_id).update(name="已更名企业有限公司")
    assert pdf_pages_text(pdf_of(client, letter)) == before  # the copy, not today's data
    response = issue(client, province, document_number="冀中小企〔2026〕30号")
    assert response.status_code == 302
    second = IssuedLetter.objects.get(document_number="冀中小企〔2026〕30号")
    assert list(second.revocation_entries.values_list("certificate", flat=True)) == [later.pk]
    # Nothing left: a third one is refused with a message, and nothing is created.
    refused = client.post(PAGE, {**ISSUE, "document_number": "冀中小企〔2026〕31号"}).content.decode()
    assert "没有尚未通报的撤销称号，无需发布" in refused
    assert IssuedLetter.objects.filter(kind=LetterKind.REVOCATION).count() == 2


def test_a_notice_is_not_dated_before_what_it_announces(client):
    revoke(awarded_application())
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused = issue(client, province_official(), dated=f"{yesterday:%Y-%m-%d}").content.decode()
    assert "成文日期不能早于所列撤销的日期" in refused
    assert not IssuedLetter.objects.filter(kind=LetterKind.REVOCATION).exists()


def test_correcting_a_notice_keeps_its_list(client):
    revoke(awarded_application())
    province = province_official()
    issue(client, province)
    letter = IssuedLetter.objects.get(kind=LetterKind.REVOCATION)
    response = client.post(f"{PAGE}?letter={letter.pk}", {**ISSUE, "document_number": "冀中小企〔2026〕13号"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.document_number == "冀中小企〔2026〕13号" and letter.revocation_entries.count() == 1
    assert IssuedLetter.objects.filter(kind=LetterKind.REVOCATION).count() == 1
    assert "冀中小企〔2026〕13号" in "".join(pdf_pages_text(pdf_of(client, letter)))


def test_no_notice_without_unannounced_revocations(client):
    awarded_application()
    client.force_login(province_official())
    page = client.get(PAGE).content.decode()
    assert "没有尚未通报的撤销称号。" in page and "发布撤销称号通报</button>" not in page
    refused = issue(client, province_official()).content.decode()
    assert "没有尚未通报的撤销称号，无需发布" in refused
    assert IssuedLetter.objects.filter(kind=LetterKind.REVOCATION).count() == 0


def test_only_the_province_issues_or_downloads_it(client):
    application = awarded_application()
    revoke(application)
    for user in (city_official("131100"), county_official("131125")):
        assert issue(client, user).status_code == 403
        assert client.get(PAGE).status_code == 403
    assert not IssuedLetter.objects.filter(kind=LetterKind.REVOCATION).exists()
    with pytest.raises(document_services.LetterRefused):
        document_services.revocation_notice_issue(
            actor=city_official("131100"), campaign=application.campaign, unit=application.enterprise.county,
            values={**ISSUE, "dated": timezone.localdate()},
        )
    issue(client, province_official())
    letter = IssuedLetter.objects.get(kind=LetterKind.REVOCATION)
    url = reverse("documents:revocation_notice_pdf", args=[letter.pk])
    client.force_login(city_official("131100"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_long_notice_repeats_table_headers_keeps_numbers_whole_and_the_signature_with_text(client, pdf_file):
    campaign = CampaignFactory(year=2023)
    applications = bulk_forwarded(60, campaign=campaign, awarded_every=1)
    grounds = ["accident", "illegal", "false_material", "conditions"]
    for i, application in enumerate(applications):
        Certificate.objects.filter(application=application).update(
            revoked_at=timezone.now() - dt.timedelta(days=60 - i), revocation_ground=grounds[i % 4],
            revoked_basis=f"冀中小企〔2026〕{i + 1}号", revoked_reason="经核查，企业上年度营业收入不足1亿元，不再符合认定条件。",
        )
    issue(client, province_official())
    letter = IssuedLetter.objects.get(kind=LetterKind.REVOCATION)
    assert RevocationNoticeEntry.objects.filter(letter=letter).count() == 60
    data = pdf_of(client, letter)
    save_pages_png(data, "revocation-notice")
    pages = pdf_pages_text(data)
    attachment = [p for p in pages if campaign.certificate_prefix in p]
    assert len(attachment) >= 3
    assert all("序号企业名称证书编号撤销事由、依据及日期" in p for p in attachment), attachment  # header on every page
    signed = [p for p in pages if TODAY in p and "印发" not in p]
    assert signed and all(len(p.replace("河北省中小企业局", "").replace(TODAY, "")) > 40 for p in signed)
    boxes = word_boxes(pdf_file(data))
    words = [w for page in boxes for w in page["words"]]
    numbers = [w for w in words if "第0" in w[0]]
    assert len(numbers) == 60 and all(w[0].startswith(campaign.certificate_prefix) and w[0].endswith("号") for w in numbers)
    decisions = [w for w in words if w[0].startswith("依据：")]
    assert len(decisions) == 60 and all(w[0].endswith("号") for w in decisions), decisions


def test_a_revoked_certificate_says_whether_and_where_it_was_announced(client):
    certificate = revoke(awarded_application())
    province = province_official()
    client.force_login(province)
    detail = reverse("titles:certificate_detail", args=[certificate.pk])
    assert "尚未通报" in client.get(detail).content.decode()
    issue(client, province)
    letter = IssuedLetter.objects.get(kind=LetterKind.REVOCATION)
    page = client.get(detail).content.decode()
    assert "已列入" in page and reverse("documents:revocation_notice_pdf", args=[letter.pk]) in page
