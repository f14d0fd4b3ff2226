"""seed_demo: applications in every workflow state, real records, idempotent, room left for the demo journey."""

import pytest

from applications.completeness import missing_items
from applications.models import Application, Material, State
from demo.seed import DEMO_STORIES, seed_demo
from review.models import (
    Certificate,
    ClusterQuota,
    CountyVerification,
    Meeting,
    MeetingDecision,
    Notification,
    ReviewRecord,
    SpotCheck,
    SpotCheckDraw,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "applications": sorted(
            Application.objects.values_list("enterprise__credit_code", "state", "city_rank", "revenue", "submitted_at")
        ),
        "records": sorted(ReviewRecord.objects.values_list("application__enterprise__credit_code", "action", "data_sha256")),
        "verifications": sorted(CountyVerification.objects.values_list("application_id", "revenue", "version")),
        "quotas": sorted(ClusterQuota.objects.values_list("cluster__name", "used", "quota")),
        "certificates": sorted(Certificate.objects.values_list("number", "application__enterprise__name")),
        "meetings": sorted(Meeting.objects.values_list("name", "minutes_number", "closed_at", "awarded_at")),
        "decisions": sorted(MeetingDecision.objects.values_list("application_id", "decision", "rank")),
        "draws": sorted(SpotCheckDraw.objects.values_list("seed", "population", "drawn")),
        "checks": SpotCheck.objects.count(),
        "materials": sorted(Material.objects.values_list("application_id", "kind", "sha256")),
        "notifications": Notification.objects.count(),
    }


def test_seed_demo_twice_gives_the_same_data():
    seed_demo()
    first = snapshot()
    seed_demo()
    assert snapshot() == first


def test_seed_demo_puts_an_application_in_every_state():
    seed_demo()
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values)
    by_user = {
        username: Application.objects.get(enterprise__users__username=username, campaign__year=2024).state
        for username in DEMO_STORIES
    }
    assert by_user == {username: story.state for username, story in DEMO_STORIES.items()}


def test_seed_demo_states_were_reached_through_the_workflow():
    seed_demo()
    for application in Application.objects.exclude(state=State.DRAFT):
        last = application.review_records.order_by("-at", "-id").first()
        assert last is not None and last.to_state == application.state, application
    awarded = Certificate.objects.filter(campaign__year=2024).order_by("serial").values_list("number", flat=True)
    assert list(awarded) == ["冀企产龙〔2024〕第001号", "冀企产龙〔2024〕第002号"]
    first, second = Meeting.objects.filter(campaign__year=2024).order_by("id")
    assert first.closed_at and first.awarded_at  # the first meeting's 认定 followed its 公示
    assert second.closed_at and not second.awarded_at  # the second one's 公示 is running
    assert Application.objects.first().campaign.results_published_at is not None


def test_seed_demo_leaves_room_for_the_demo_journey():
    seed_demo()
    draft = Application.objects.get(enterprise__users__username="ent-131125-1")
    assert draft.state == State.DRAFT and missing_items(draft) == []  # ready for 提交申报
    quota = ClusterQuota.objects.get(cluster__name="安平县丝网产业集群")
    assert quota.used < quota.quota
    anping = Application.objects.filter(enterprise__county_id="131125")
    assert anping.filter(state__in=[State.DRAFT, State.RETURNED]).count() >= 2
    assert anping.filter(state=State.CITY_REVIEW).exists() and anping.filter(state=State.COUNTY_REVIEW).exists()


def test_demo_has_the_title_in_every_new_state():
    from review.models import Certificate, Objection, ObjectionOutcome, Publicity
    from titles.models import MonitoringReport
    from titles.selectors import holders_missing_report
    from titles.services import monitoring_year

    seed_demo()
    statuses = {c.number: c.status() for c in Certificate.objects.all()}
    assert set(statuses.values()) == {"valid", "expired", "revoked", "replaced"}
    assert statuses["冀企产龙〔2023〕第001号-1"] == "valid"
    running = [p for p in Publicity.objects.all() if p.is_running()]
    assert len(running) == 1
    assert Objection.objects.filter(entry__publicity=running[0], outcome=ObjectionOutcome.OPEN).count() == 1
    assert holders_missing_report(monitoring_year()).exists()
    assert MonitoringReport.objects.filter(confirmed_at__isnull=False).exists()
