import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from applications import uscc
from applications.fingerprint import fingerprint
from applications.models import Application, Enterprise, State
from demo.bulk import create_bulk_applications
from demo.seed import load_demo_clusters
from portal.directory.models import Campaign, CampaignState
from review.models import Certificate, ClusterQuota, CountyVerification, MeetingDecision, ReviewRecord
from review.workflow import TRANSITIONS
from tests.factories import CampaignFactory, province_official

pytestmark = pytest.mark.django_db

FORWARDED = [State.PROVINCE_REVIEW, State.AWARDED, State.NOT_AWARDED]


@pytest.fixture
def bulk():
    """What create_bulk_applications needs from seed_demo: the clusters, the open campaign, a province official."""
    load_demo_clusters()
    CampaignFactory(year=2024)
    province_official()
    report = create_bulk_applications(200)
    return report, Application.objects.all()


def test_bulk_applications_count_and_campaigns(bulk):
    report, applications = bulk
    assert report.applications == 200
    assert applications.count() == 200
    assert applications.values("campaign").distinct().count() == 10
    assert Campaign.objects.filter(state=CampaignState.OPEN).count() == 1
    assert set(Campaign.objects.values_list("year", flat=True)) >= set(range(2015, 2025))


def test_bulk_applications_one_per_enterprise_and_campaign(bulk):
    _, applications = bulk
    pairs = Counter(applications.values_list("campaign_id", "enterprise_id"))
    assert max(pairs.values()) == 1
    assert applications.values("enterprise").distinct().count() == 20  # the same enterprises apply every year


def test_bulk_applications_respect_the_quota(bulk):
    _, applications = bulk
    forwarded = (
        Application.objects.filter(state__in=FORWARDED).values("campaign", "cluster").annotate(n=Count("id"))
    )
    assert forwarded and all(row["n"] <= 3 for row in forwarded)
    for quota in ClusterQuota.objects.all():
        actual = Application.objects.filter(
            campaign=quota.campaign_id, cluster=quota.cluster_id, state__in=FORWARDED
        ).count()
        assert quota.used == actual <= quota.quota


def test_bulk_certificates_are_gap_free_in_ranking_order(bulk):
    _, applications = bulk
    assert Certificate.objects.exists()
    for campaign in Campaign.objects.all():
        certificates = list(Certificate.objects.filter(campaign=campaign).order_by("serial"))
        assert [c.serial for c in certificates] == list(range(1, len(certificates) + 1))
        assert all(c.number == campaign.certificate_number(c.serial) for c in certificates)
        ranks = [MeetingDecision.objects.get(application=c.application_id).rank for c in certificates]
        assert ranks == sorted(ranks)
    assert set(Certificate.objects.values_list("application_id", flat=True)) == set(
        Application.objects.filter(state=State.AWARDED).values_list("pk", flat=True)
    )


def test_bulk_credit_codes_are_valid(bulk):
    _, applications = bulk
    codes = Enterprise.objects.filter(applications__in=applications).values_list("credit_code", flat=True).distinct()
    assert codes and all(uscc.is_valid(code) for code in codes)
    partner_codes = applications.values_list("partners__credit_code", flat=True).exclude(partners__isnull=True)
    assert partner_codes and all(uscc.is_valid(code) for code in partner_codes)


def test_bulk_records_follow_the_transition_table_and_hash_the_signed_data(bulk):
    _, applications = bulk
    for application in applications.prefetch_related("review_records", "honours", "partners", "materials").select_related(
        "enterprise"
    ):
        records = list(application.review_records.all())
        state = State.DRAFT
        for record in records:
            transition = TRANSITIONS[record.action]
            assert record.from_state == state and state in transition.sources
            assert record.to_state == transition.target and record.actor_role == transition.role
            assert record.data_sha256 == fingerprint(application)
            state = record.to_state
        assert state == application.state
        assert (application.submitted_at is not None) == bool(records)
        assert [r.at for r in records] == sorted(r.at for r in records)


def test_bulk_officials_reach_the_demo_counties(bulk):
    _, applications = bulk
    assert applications.filter(enterprise__county_id="131125", submitted_at__isnull=False).exists()
    assert applications.filter(enterprise__county_id="130534", submitted_at__isnull=False).exists()
    passed = applications.filter(review_records__action="county_pass").distinct()
    assert CountyVerification.objects.filter(application__in=passed).count() == passed.count()


def test_bulk_open_campaign_has_every_running_state_and_keeps_a_free_slot(bulk):
    _, applications = bulk
    open_campaign = Campaign.current()
    states = set(applications.filter(campaign=open_campaign).values_list("state", flat=True))
    assert {State.DRAFT, State.COUNTY_REVIEW, State.CITY_REVIEW} <= states
    assert not applications.filter(campaign=open_campaign, state__in=[State.AWARDED, State.NOT_AWARDED]).exists()
    full = ClusterQuota.objects.filter(campaign=open_campaign).filter(Q(used__gte=3))
    assert not full.exists()


def test_seed_demo_applications_option_adds_bulk_rows():
    out = io.StringIO()
    call_command("seed_demo", "--applications", "30", stdout=out)
    assert "已批量创建 30 份申报" in out.getvalue()
    assert ReviewRecord.objects.filter(actor__username__startswith="bulk-").exists()
    assert Application.objects.filter(enterprise__users__username__startswith="bulk-ent-").count() == 30


def test_bulk_stored_verdicts_are_what_the_rules_judge(bulk):
    from applications import eligibility

    checked = 0
    for application in Application.objects.exclude(state=State.DRAFT).select_related("campaign", "enterprise")[:40]:
        verification = getattr(application, "county_verification", None)
        facts = eligibility.rule_facts(application, verification=verification)
        codes = eligibility.condition_codes(eligibility.evaluate(facts))
        assert (application.unmet_conditions, application.pending_conditions) == (
            codes["unmet_conditions"], codes["pending_conditions"]
        )
        checked += 1
    assert checked


def test_bulk_history_leaves_audit_entries_and_notices_as_transitions_do(bulk):
    from portal.audit.models import AuditEvent, Event
    from review.models import Notification

    records = ReviewRecord.objects.count()
    assert AuditEvent.objects.filter(event=Event.TRANSITION, object_type="applications.Application").count() == records
    submitted = ReviewRecord.objects.filter(action="submit").select_related("application__enterprise").first()
    told = set(Notification.objects.filter(application=submitted.application, created_at=submitted.at).values_list("recipient__role", flat=True))
    assert told == {"enterprise", "county"}  # the enterprise and the county that acts next
    open_campaign = Campaign.objects.get(state=CampaignState.OPEN)
    assert Notification.objects.filter(application__campaign=open_campaign, read_at__isnull=True).exists()
    assert not Notification.objects.exclude(application__campaign=open_campaign).filter(read_at__isnull=True).exists()
