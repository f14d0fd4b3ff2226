"""Validity, revocation and re-issue: the verify page answers 有效 / 已过期 / 已撤销 / 已换发 with the date."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Certificate, CertificateStatus, Notification
from review.services import Refused
from tests.factories import city_official, county_official, province_official
from tests.titles.test_monitoring import holder
from titles import services
from titles.selectors import certificates_for_province

pytestmark = pytest.mark.django_db


def verify_page(client, certificate):
    return client.get(reverse("verify", args=[certificate.token])).content.decode()


def test_verify_page_reads_valid_with_the_validity_date(client):
    certificate = holder().certificate
    page = verify_page(client, certificate)
    assert "证书真实有效" in page and "有效期至2027年12月19日" in page


def test_expired_certificate_reads_expired(client):
    certificate = holder().certificate
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    page = verify_page(client, certificate)
    assert "已过期" in page and "证书真实有效" not in page


def test_revocation_marks_the_verify_page_and_tells_enterprise_county_and_city(client):
    application = holder()
    county, city = county_official(application.enterprise.county_id), city_official()
    province = province_official()
    with pytest.raises(Refused, match="撤销原因"):
        services.title_revoke(actor=province, certificate_id=application.certificate.pk, ground="accident", basis="冀企产〔2026〕5号", reason="")
    services.title_revoke(
        actor=province, certificate_id=application.certificate.pk, ground="accident", basis="冀企产〔2026〕5号", reason="2026年发生重大安全事故。"
    )
    certificate = Certificate.objects.get(pk=application.certificate.pk)
    assert certificate.status() == "revoked" and certificate.revoked_by == province
    page = verify_page(client, certificate)
    assert "已撤销" in page and f"{timezone.localdate():%Y}年" in page and "发生重大质量、安全、环保等事故" in page
    told = set(Notification.objects.filter(application=application, message__contains="撤销").values_list("recipient", flat=True))
    assert {county.pk, city.pk} <= told
    with pytest.raises(Refused, match="已于"):
        services.title_revoke(actor=province, certificate_id=certificate.pk, ground="illegal", basis="冀企产〔2026〕6号", reason="再次")


def test_reissue_gives_a_new_number_and_the_old_reads_replaced(client):
    application = holder()
    old = application.certificate
    new = services.title_reissue(actor=province_official(), certificate_id=old.pk, reason="企业更名")
    assert new.number == old.number + "-1"
    old.refresh_from_db()
    application.refresh_from_db()
    assert application.certificate == new and new.expires_on == old.expires_on
    assert old.status() == "replaced"
    page = verify_page(client, old)
    assert "已换发" in page and new.number in page
    again = services.title_reissue(actor=province_official(), certificate_id=new.pk, reason="信息更正")
    assert again.number == old.number + "-2"


def test_province_revokes_from_the_certificate_page(client):
    application = holder()
    client.force_login(province_official())
    listing = client.get(reverse("titles:certificates"), {"q": application.enterprise.name}).content.decode()
    assert application.certificate.number in listing
    url = reverse("titles:certificate_detail", args=[application.certificate.pk])
    response = client.post(url, {"kind": "revoke", "revoke-ground": "illegal", "revoke-basis": "冀企产〔2026〕5号", "revoke-reason": "存在违法行为。"})
    assert response.status_code == 302
    assert Certificate.objects.get(pk=application.certificate.pk).status() == "revoked"
    revoked = client.get(reverse("titles:certificates"), {"status": "revoked"}).content.decode()
    assert application.certificate.number in revoked


def test_certificate_pages_are_for_the_province_only(client):
    application = holder()
    client.force_login(county_official(application.enterprise.county_id))
    assert client.get(reverse("titles:certificates")).status_code == 403


def test_public_list_shows_each_title_status_and_the_current_number(client):
    from review import services as review_services

    application = holder()
    review_services.campaign_publish_results(actor=province_official(), campaign=application.campaign)
    old = application.certificate
    new = services.title_reissue(actor=province_official(), certificate_id=old.pk, reason="企业更名")
    page = client.get(reverse("review:public_awarded")).content.decode()
    assert new.number in page and "有效期至" in page and "2027年12月19日" in page
    assert f"{old.number}<" not in page
    Certificate.objects.filter(pk=new.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    from django.core.cache import cache

    cache.clear()
    assert "已过期" in client.get(reverse("review:public_awarded")).content.decode()


def test_the_status_filters_find_exactly_the_certificates_status_names():
    """One rule: `CertificateQuerySet.with_status` (the province's list filter, the printed certificates) finds the
    certificates whose `status()` is that status, today and on any other day."""
    application = holder()
    today, now = timezone.localdate(), timezone.now()

    def another(serial, **fields):
        return Certificate.objects.create(
            issued_for=application, campaign=application.campaign, serial=serial, number=f"测试证书{serial}",
            issued_on=dt.date(2024, 12, 20), **fields,
        )

    later = today + dt.timedelta(days=400)
    another(90, expires_on=today - dt.timedelta(days=1))
    another(91, expires_on=later, revoked_at=now)
    another(92, expires_on=today - dt.timedelta(days=1), revoked_at=now)
    another(93, expires_on=later, replaced_by=application.certificate)
    another(94, expires_on=today - dt.timedelta(days=1), replaced_by=another(95, expires_on=today))
    another(96, expires_on=None)
    province = province_official()
    for day in (today, later, dt.date(2024, 1, 1)):
        by_status = {status: set() for status in CertificateStatus.values}
        for certificate in Certificate.objects.all():
            by_status[certificate.status(day)].add(certificate.number)
        assert all(by_status.values()) or day != today
        for status, numbers in by_status.items():
            found = Certificate.objects.with_status(status, day).values_list("number", flat=True)
            assert set(found) == numbers, (day, status)
            listed = certificates_for_province(province, status=status, today=day).values_list("number", flat=True)
            assert set(listed) == numbers, (day, status)
