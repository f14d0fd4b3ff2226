"""The download buttons sit on the other screens and point at the right documents."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.directory.models import Campaign
from tests.documents.helpers import awarded_application
from tests.factories import city_official, province_official

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_official_application_page_offers_documents_and_certificate(client):
    application = awarded_application()
    html = page(client, province_official(), reverse("review:application_detail", args=[application.pk]))
    for name in ("report_pdf", "form_pdf", "verification_pdf", "dossier", "paper_copy", "certificate_pdf"):
        assert reverse(f"documents:{name}", args=[application.pk]) in html, name
    assert "下载证书" in html


def test_enterprise_home_offers_certificate_download(client):
    application = awarded_application()
    html = page(client, application.enterprise.users.first(), reverse("applications:home"))
    assert reverse("documents:certificate_pdf", args=[application.pk]) in html and "下载证书" in html


def test_city_page_offers_summary_and_recommendation_letter(client):
    awarded_application()
    html = page(client, city_official("131100"), reverse("review:city_clusters"))
    assert "导出汇总表" in html and reverse("documents:summary_xlsx") in html
    assert reverse("documents:letter_issue", args=["recommendation"]) in html
    assert reverse("documents:forwarded_bundle") in html


def test_province_list_offers_summary_and_certificate_batch(client):
    awarded_application()
    html = page(client, province_official(), reverse("review:province_list"))
    assert "导出汇总表" in html and "生成证书" in html
    assert reverse("documents:certificate_batch") in html
    assert reverse("documents:letter_issue", args=["announcement"]) in html


def test_public_list_links_the_announcement_pdf(client):
    awarded_application()
    Campaign.objects.filter(year=2024).update(results_published_at=timezone.now())
    url = reverse("documents:announcement_pdf", args=[2024])
    assert url not in client.get(reverse("review:public_awarded")).content.decode()  # not issued yet
    client.force_login(province_official())
    client.post(reverse("documents:letter_issue", args=["announcement"]), {"document_number": "冀企产〔2024〕30号", "dated": "2024-12-20"})
    client.logout()
    assert url in client.get(reverse("review:public_awarded")).content.decode()
