"""Reads for the review screens. Every read of applications starts from `applications_visible_to(user)`."""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, F, Q
from django.utils import timezone

from applications import eligibility, return_targets
from applications.fields import FigureRow, facts_for
from applications.models import Application, State
from applications.selectors import applications_visible_to
from portal.accounts.models import Role
from portal.directory.models import Campaign, Cluster, Division, end_of_day
from review.models import (
    Certificate,
    CertificateBatch,
    ClusterQuota,
    Meeting,
    Notification,
    ReviewRecord,
    SpotCheck,
    SpotCheckDraw,
)
from review.workflow import TRANSITIONS

FORWARDED_STATES = (State.PROVINCE_REVIEW, State.AWARDED, State.NOT_AWARDED)
# What the city sees: everything the county passed on (and what became of it).
CITY_STATES = (State.CITY_REVIEW, *FORWARDED_STATES)
DUE_SOON_DAYS = 7


# ---------------------------------------------------------------------------------------------------------------
# Scoping: every read of a review entity starts from one of these (outside them: 404)
# ---------------------------------------------------------------------------------------------------------------


def review_records_visible_to(user):
    return ReviewRecord.objects.filter(application__in=applications_visible_to(user))


def certificates_visible_to(user):
    return Certificate.objects.filter(application__in=applications_visible_to(user))


def spot_check_draws_visible_to(user):
    if not user.has_perm("review.manage_spot_checks"):
        return SpotCheckDraw.objects.none()
    return SpotCheckDraw.objects.all()


def spot_checks_visible_to(user):
    if not user.has_perm("review.manage_spot_checks"):
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(application__in=applications_visible_to(user))


def meetings_visible_to(user):
    if not user.has_perm("review.manage_meetings"):
        return Meeting.objects.none()
    return Meeting.objects.all()


def certificate_batches_visible_to(user):
    if not user.has_perm("review.manage_certificate_batches"):
        return CertificateBatch.objects.none()
    return CertificateBatch.objects.all()


# ---------------------------------------------------------------------------------------------------------------
# What the user may do with one application
# ---------------------------------------------------------------------------------------------------------------


def transition_permission(action: str) -> str:
    """The permission (permissions/rules.py) to take `action`: the table's role, within the jurisdiction."""
    return f"review.take_{action}"


def transitions_open_to(user, application, *, pages=("application", "meeting")) -> list:
    """The workflow table's transitions from the application's state that `user` may take on it, on `pages`: by
    default the review's own work (the application's page and the meeting's 认定), not the title's later life
    (公示, certificate, 复核 have their pages and tell whom they concern themselves)."""
    return [
        t for t in TRANSITIONS.values()
        if t.page in pages and application.state in t.sources
        and user.has_perm(transition_permission(t.action), application)
    ]


def timeline_for(application, user):
    """The application's history as `user` may see it: enterprises see opinions, never internal notes."""
    records = review_records_visible_to(user).filter(application=application).select_related("actor_unit").order_by("at", "id")
    show_internal = user.has_perm("review.read_internal_notes", application)
    return [
        {
            "at": r.at,
            "action": r.action_label,
            "from_state": r.from_state,
            "to_state": r.to_state,
            "actor": r.actor_name,
            "role": Role(r.actor_role).label,
            "unit": r.actor_unit_name,
            "opinion": r.opinion,
            "internal_note": r.internal_note if show_internal else "",
            "data_sha256": r.data_sha256,
            "targets": return_targets.links(application.pk, r.return_targets) if r.to_state == State.RETURNED else [],
        }
        for r in records
    ]


@dataclass(frozen=True)
class OpenReturn:
    """The 退回修改 the enterprise has yet to act on: the opinion and the places it concerns."""

    opinion: str
    unit: str
    role: str
    at: dt.datetime
    targets: list  # (label, url, tab) from applications.return_targets.links

    @property
    def first_url(self) -> str | None:
        return self.targets[0][1] if self.targets else None

    def targets_on(self, tab: str) -> list:
        return [t for t in self.targets if t[2] == tab]


def open_return_for(application) -> OpenReturn | None:
    """The latest return while the application is 退回修改 (None in any other state)."""
    if application.state != State.RETURNED:
        return None
    record = (
        application.review_records.filter(to_state=State.RETURNED).order_by("-at", "-id").first()
    )
    if record is None:
        return None
    return OpenReturn(
        opinion=record.opinion, unit=record.actor_unit_name, role=Role(record.actor_role).label, at=record.at,
        targets=return_targets.links(application.pk, record.return_targets),
    )


def campaign_in_view(year=None):
    """The campaign a review screen shows: the one asked for, else the open one, else the latest."""
    if year:
        try:
            return Campaign.objects.filter(year=int(year)).first()
        except (TypeError, ValueError):
            return None
    return Campaign.current() or Campaign.objects.order_by("-year").first()


# ---------------------------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    deadline: dt.date
    days_left: int  # whole days until the end of the deadline day; negative once passed
    passed: bool

    @property
    def label(self):
        if self.passed:
            return f"已超期 {max(1, -self.days_left)} 天"
        if self.days_left == 0:
            return "今日 23:59 截止"
        return f"剩余 {self.days_left} 天"

    @property
    def css(self):
        if self.passed:
            return "countdown-overdue"
        return "countdown-soon" if self.days_left <= DUE_SOON_DAYS else "countdown-ok"

    @property
    def due_soon(self):
        return not self.passed and self.days_left <= DUE_SOON_DAYS


def deadline_countdown(campaign, level: str, now: dt.datetime | None = None) -> Countdown:
    now = now or timezone.now()
    deadline = campaign.deadline(level)
    passed = now >= end_of_day(deadline)
    days_left = (deadline - timezone.localdate(now)).days
    return Countdown(deadline=deadline, days_left=days_left, passed=passed)


# ---------------------------------------------------------------------------------------------------------------
# Counts and dashboards
# ---------------------------------------------------------------------------------------------------------------


def state_counts(user, campaign) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state an official can see (drafts are never submitted, so never seen)."""
    by_state = {}
    if campaign is not None:
        rows = applications_visible_to(user).filter(campaign=campaign).values("state").annotate(n=Count("id")).order_by()
        by_state = {row["state"]: row["n"] for row in rows}
    return [(s, State(s).label, by_state.get(s, 0)) for s in State.values if s != State.DRAFT]


def count_in(user, campaign, *states, **filters) -> int:
    if campaign is None:
        return 0
    return applications_visible_to(user).filter(campaign=campaign, state__in=states, **filters).count()


@dataclass
class UnitStats:
    """One row of the province's overview: a city or a cluster."""

    key: str
    name: str
    parent: str = ""
    received: int = 0
    forwarded: int = 0
    awarded: int = 0
    quota_used: int = 0
    quota: int = 0


def _stat_counts():
    return {
        "received": Count("id"),
        "forwarded": Count("id", filter=Q(state__in=FORWARDED_STATES)),
        "awarded": Count("id", filter=Q(state=State.AWARDED)),
    }


def province_stats_by_city(user, campaign) -> list[UnitStats]:
    """Received (submitted), forwarded and awarded per city-level unit, plus the quota slots its clusters used."""
    if campaign is None:
        return []
    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign)
        .values(city=F("reviewing_city_id"), city_name=F("reviewing_city__name"))
        .annotate(**_stat_counts())
        .order_by("city")
    )
    stats = {
        r["city"]: UnitStats(r["city"] or "", r["city_name"] or "（未设置）", "", r["received"], r["forwarded"], r["awarded"])
        for r in rows
    }
    # A cluster's quota counts for the city its applications were submitted to (Application.reviewing_city), so a
    # later routing change moves neither the applications nor the slots they took.
    city_of_cluster = dict(
        applications_visible_to(user).filter(campaign=campaign, reviewing_city__isnull=False)
        .order_by("cluster_id", "reviewing_city_id").values_list("cluster_id", "reviewing_city_id").distinct()
    )
    for row in ClusterQuota.objects.filter(campaign=campaign).values("cluster_id", "used", "quota"):
        unit = stats.get(city_of_cluster.get(row["cluster_id"]))
        if unit is not None:
            unit.quota_used += row["used"]
            unit.quota += row["quota"]
    return list(stats.values())


def province_stats_by_cluster(user, campaign) -> list[UnitStats]:
    """Per cluster with applications: received, forwarded, awarded and quota use (used / quota)."""
    if campaign is None:
        return []
    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign)
        .values("cluster_id", name=F("cluster__name"), city_name=F("reviewing_city__name"))
        .annotate(**_stat_counts())
        .order_by("reviewing_city_id", "cluster__name")
    )
    quotas = {q.cluster_id: q for q in ClusterQuota.objects.filter(campaign=campaign)}
    result = []
    for r in rows:
        quota = quotas.get(r["cluster_id"])
        result.append(
            UnitStats(
                str(r["cluster_id"]), r["name"], r["city_name"] or "", r["received"], r["forwarded"], r["awarded"],
                quota.used if quota else 0, quota.quota if quota else campaign.quota_per_cluster,
            )
        )
    return result


# ---------------------------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------------------------


def county_queue(user, campaign, state: str | None = None):
    """The county's applications of the campaign (one state, or all), oldest submission first."""
    queryset = (
        applications_visible_to(user)
        .filter(campaign=campaign)
        .select_related("enterprise", "cluster", "campaign", "county_verification")
        .order_by("submitted_at", "id")
    )
    if state:
        queryset = queryset.filter(state=state)
    return queryset


@dataclass
class ClusterGroup:
    cluster: Cluster
    quota_used: int
    quota: int
    applications: list = field(default_factory=list)

    @property
    def full(self):
        return self.quota_used >= self.quota

    @property
    def waiting(self):
        return [a for a in self.applications if a.state == State.CITY_REVIEW]


def city_cluster_groups(user, campaign, cluster_id=None) -> list[ClusterGroup]:
    """What the counties passed on, grouped by cluster in the city's ranking order, with each cluster's quota."""
    if campaign is None:
        return []
    queryset = (
        applications_visible_to(user)
        .filter(campaign=campaign, state__in=CITY_STATES)
        .select_related("enterprise__county", "cluster__county", "county_verification", "campaign")
        .order_by("cluster__name", F("city_rank").asc(nulls_last=True), "submitted_at", "id")
    )
    if cluster_id is not None:
        queryset = queryset.filter(cluster_id=cluster_id)
    applications = list(queryset)
    quotas = {
        q.cluster_id: q
        for q in ClusterQuota.objects.filter(campaign=campaign, cluster_id__in={a.cluster_id for a in applications})
    }
    groups = []
    for _, members in groupby(applications, key=lambda a: a.cluster_id):
        members = list(members)
        quota = quotas.get(members[0].cluster_id)
        groups.append(
            ClusterGroup(
                cluster=members[0].cluster,
                quota_used=quota.used if quota else 0,
                quota=quota.quota if quota else campaign.quota_per_cluster,
                applications=members,
            )
        )
    return groups


def province_applications(user, campaign, *, city=None, cluster=None, state=None, q=""):
    """The province's list: forwarded applications (or one chosen state), filtered and searched, by city and cluster."""
    queryset = (
        applications_visible_to(user)
        .filter(campaign=campaign)
        .select_related(
            "enterprise__county", "reviewing_city", "cluster", "certificate", "meeting_decision__meeting",
        )
        .prefetch_related("spot_checks")
        .order_by("reviewing_city_id", "cluster__name", F("city_rank").asc(nulls_last=True), "id")
    )
    queryset = queryset.filter(state=state) if state else queryset.filter(state__in=FORWARDED_STATES)
    if city:
        queryset = queryset.filter(reviewing_city_id=city)
    if cluster:
        queryset = queryset.filter(cluster_id=cluster)
    if q:
        q = q.strip()
        queryset = queryset.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q.upper()))
    return queryset


def city_units():
    return Division.objects.city_level().order_by("code")


def clusters_with_applications(campaign):
    if campaign is None:
        return Cluster.objects.none()
    return Cluster.objects.filter(applications__campaign=campaign, applications__submitted_at__isnull=False).distinct().order_by("name")


# ---------------------------------------------------------------------------------------------------------------
# One application
# ---------------------------------------------------------------------------------------------------------------


def application_for_review(user, pk):
    """One application with what the officials' page shows, from the jurisdiction filter (None outside it)."""
    return (
        applications_visible_to(user)
        .select_related(
            "campaign", "cluster", "enterprise__county", "reviewing_city", "county_verification__verified_by",
            "certificate", "meeting_decision__meeting",
        )
        .prefetch_related("honours", "partners", "materials", "spot_checks__draw")
        .filter(pk=pk)
        .first()
    )


def verification_of(application):
    """The county's 核实情况证明 of the application, or None before the county verified it."""
    return getattr(application, "county_verification", None)


def verdicts_for(application, verification=None):
    """The eligibility verdicts, on the county's verified figures once there are any."""
    return eligibility.evaluate(eligibility.rule_facts(application, verification=verification))


def figure_rows(application, verification=None) -> list[FigureRow]:
    """Declared against verified figures and shares, for the 核实情况证明 (`verification`: saved or being typed)."""
    return facts_for(application, verification).rows()


# ---------------------------------------------------------------------------------------------------------------
# Province: meetings and the public list
# ---------------------------------------------------------------------------------------------------------------


def meetings_of(user, campaign):
    return meetings_visible_to(user).filter(campaign=campaign).annotate(
        n_decisions=Count("decisions"),
        n_award=Count("decisions", filter=Q(decisions__decision="award")),
    ).select_related("created_by")


def meeting_candidates(user, meeting):
    """Applications the meeting can decide on: awaiting the province and not decided by another meeting."""
    return (
        applications_visible_to(user)
        .filter(campaign_id=meeting.campaign_id, state=State.PROVINCE_REVIEW)
        .filter(Q(meeting_decision__isnull=True) | Q(meeting_decision__meeting=meeting))
        .select_related("enterprise__county", "reviewing_city", "cluster", "meeting_decision")
        .prefetch_related("spot_checks")
        .order_by("reviewing_city_id", "cluster__name", F("city_rank").asc(nulls_last=True), "id")
    )


def meeting_decisions(meeting):
    return meeting.decisions.select_related(
        "application__enterprise__county", "application__reviewing_city", "application__cluster", "application__certificate"
    ).order_by("decision", F("rank").asc(nulls_last=True), "id")


def published_campaigns():
    return Campaign.objects.filter(results_published_at__isnull=False).order_by("-year")


@dataclass
class PublicGroup:
    city: str
    clusters: list  # [(cluster name, [application, …])]


def published_applications(campaign):
    """The published list, the one definition the public page and the 通报 PDF print: the enterprises awarded by
    meetings carried out before the publication whose certificate is not revoked (the verify page says 已撤销),
    by city, cluster and certificate number."""
    if campaign is None or campaign.results_published_at is None:
        return Application.objects.none()
    return (
        Application.objects.filter(
            campaign=campaign,
            state=State.AWARDED,
            meeting_decision__meeting__awarded_at__lte=campaign.results_published_at,
            certificate__revoked_at__isnull=True,
        )
        .select_related("enterprise__county", "reviewing_city", "cluster", "certificate")
        .order_by("reviewing_city_id", "cluster__name", "certificate__serial")
    )


def published_awards(campaign) -> list[PublicGroup]:
    """通报公布 for the public page: the published list grouped by city, then cluster."""
    groups = []
    for city, in_city in groupby(published_applications(campaign), key=lambda a: a.reviewing_city):
        clusters = [(name, list(members)) for name, members in groupby(in_city, key=lambda a: a.cluster.name)]
        groups.append(PublicGroup(city=city.name if city else "", clusters=clusters))
    return groups


def awarded_unpublished_count(campaign) -> int:
    if campaign is None:
        return 0
    awarded = Application.objects.filter(campaign=campaign, state=State.AWARDED)
    if campaign.results_published_at:
        awarded = awarded.exclude(meeting_decision__meeting__awarded_at__lte=campaign.results_published_at)
    return awarded.count()


def notifications_for(user):
    return Notification.objects.filter(recipient=user).select_related("application__enterprise").order_by("-created_at", "-id")
