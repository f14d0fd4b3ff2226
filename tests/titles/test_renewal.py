"""复核: a holder near the end of its title applies again, prefilled, outside the quota; the old certificate is replaced."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from portal.directory.models import Campaign, CampaignState
from review.models import Certificate, ClusterQuota
from review.services import Refused
from review.workflow import renewal_problem
from tests.factories import CampaignFactory, enterprise_user
from tests.titles.test_monitoring import holder
from titles import services

pytestmark = pytest.mark.django_db


def expiring_title():
    """A 2024 title that expires within a year, and the 2025 campaign open for applications."""
    title = holder()
    Certificate.objects.filter(application=title).update(expires_on=timezone.localdate() + dt.timedelta(days=100))
    Campaign.objects.filter(pk=title.campaign_id).update(state=CampaignState.CLOSED)
    campaign = CampaignFactory(year=2025)
    title.refresh_from_db()
    return title, campaign


def test_renewal_is_offered_only_in_the_last_year():
    title = holder()
    campaign = CampaignFactory(year=2025, state=CampaignState.NOT_STARTED)
    Certificate.objects.filter(application=title).update(expires_on=timezone.localdate() + dt.timedelta(days=400))
    title.refresh_from_db()
    assert "到期前一年内" in renewal_problem(title, campaign)


def test_holder_starts_a_prefilled_renewal_from_my_titles(client):
    title, campaign = expiring_title()
    client.force_login(enterprise_user(title.enterprise))
    page = client.get(reverse("titles:my_titles")).content.decode()
    assert "申请复核" in page
    response = client.post(reverse("titles:my_titles"), {"renew": title.pk})
    renewal = Application.objects.get(campaign=campaign, enterprise=title.enterprise)
    assert response.url == reverse("applications:detail", args=[renewal.pk])
    assert renewal.renews == title and renewal.revenue == title.revenue and renewal.state == State.DRAFT
    with pytest.raises(Refused):
        services.renewal_start(actor=enterprise_user(title.enterprise), title_id=title.pk, campaign=None)


def test_a_revoked_title_cannot_be_renewed():
    title, campaign = expiring_title()
    Certificate.objects.filter(application=title).update(revoked_at=timezone.now())
    title.refresh_from_db()
    assert "有效期内的称号" in renewal_problem(title, campaign)


def test_quota_and_certificate_rules_for_a_renewal():
    from tests.review.journey import walk

    title, campaign = expiring_title()
    renewal = services.renewal_start(actor=enterprise_user(title.enterprise), title_id=title.pk, campaign=campaign)
    for name in ("declares_policy_compliance", "declares_no_accidents", "declares_no_violations", "declares_truthful"):
        setattr(renewal, name, True)
    renewal.save()
    from applications.models import MaterialKind
    from tests.factories import add_material

    for kind in (MaterialKind.LICENCE, MaterialKind.TAX, MaterialKind.CREDIT, MaterialKind.HONOURS):
        add_material(renewal, kind)
    walk(renewal, "submit", "verify", "county_pass", "city_forward")
    assert renewal.state == State.PROVINCE_REVIEW
    quota = ClusterQuota.objects.filter(campaign=campaign, cluster_id=renewal.cluster_id).first()
    assert quota is None or quota.used == 0  # 复核 does not take a slot unless the campaign says so


def test_renewal_award_replaces_the_old_certificate():
    from review import services as review_services
    from review.services import DecisionInput
    from tests.factories import province_official
    from tests.titles.test_renewal import expiring_title

    title, campaign = expiring_title()
    Campaign.objects.filter(pk=campaign.pk).update(publicity_required=False)
    renewal = services.renewal_start(actor=enterprise_user(title.enterprise), title_id=title.pk, campaign=campaign)
    Application.objects.filter(pk=renewal.pk).update(state=State.PROVINCE_REVIEW, submitted_at=timezone.now())
    province = province_official()
    meeting = review_services.meeting_create(
        actor=province, campaign=campaign, name="复核会议", held_on=timezone.localdate(), minutes_number="纪要1号"
    )
    review_services.meeting_save_decisions(actor=province, meeting_id=meeting.pk, decisions=[DecisionInput(renewal.pk, "award", 1)])
    review_services.meeting_close(actor=province, meeting_id=meeting.pk)
    review_services.meeting_award(actor=province, meeting_id=meeting.pk)
    old = Certificate.objects.get(application=title)
    new = Certificate.objects.get(application=renewal)
    assert old.status() == "replaced" and old.replaced_by == new and new.status() == "valid"
    # Only the new certificate is printed and goes on a plaque; the old title's campaign has none left to print.
    from applications.selectors import applications_visible_to
    from review.documents.certificates import campaign_certificates
    from review.documents.summary import plaque_rows

    assert list(campaign_certificates(title.campaign)) == [] and list(campaign_certificates(campaign)) == [new]
    visible = applications_visible_to(province)
    assert [p.certificate_number for p in plaque_rows(visible=visible, campaign=title.campaign)] == []
    assert [p.certificate_number for p in plaque_rows(visible=visible, campaign=campaign)] == [new.number]
