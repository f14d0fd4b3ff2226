"""Reads for the review screens. Every read of applications starts from `applications_visible_to(user)`."""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from applications import eligibility, return_targets
from applications.fields import BY_NAME, VERIFIED_FIELDS, FigureRow, facts_for
from applications.models import Application, State
from applications.selectors import applications_visible_to, read_through_jurisdiction
from portal.accounts.models import Role
from portal.dates import chinese_datetime
from portal.directory.choices import city_rows, cluster_rows
from portal.directory.models import Campaign, Cluster, end_of_day
from review.errors import TransitionRefused
from review.figures import campaign_figure
from review.models import (
    Certificate,
    CertificateBatch,
    ClusterQuota,
    CountyVerificationVersion,
    Decision,
    Meeting,
    MeetingDecision,
    Notification,
    ReviewRecord,
    SpotCheck,
    SpotCheckDraw,
    VerificationVersionKind,
)
from review.workflow import (
    FORWARDED_STATES,
    INPUT_GUARDS,
    RETURN_ACTIONS,
    ROW_GUARDS,
    TRANSITIONS,
    Action,
    Step,
    failures_against,
)

# What the city sees: everything the county passed on (and what became of it).
CITY_STATES = (State.CITY_REVIEW, *FORWARDED_STATES)
DUE_SOON_DAYS = 7


# ---------------------------------------------------------------------------------------------------------------
# Scoping: every read of a review entity starts from one of these (outside them: 404)
# ---------------------------------------------------------------------------------------------------------------


def review_records_visible_to(user):
    return ReviewRecord.objects.filter(application__in=applications_visible_to(user))


def certificates_visible_to(user):
    """Every certificate issued for an application `user` may see, whatever its status: a replaced (已换发) or
    revoked one stays visible with its status. Where only the certificates in force count, add `.valid()`."""
    return Certificate.objects.filter(issued_for__in=applications_visible_to(user))


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
            "overridden": r.overridden,
            "override_reason": r.override_reason,
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


@dataclass(frozen=True)
class ReturnOpinion:
    """Why the application is back where it waits: the return that sent it there, and the returning level's words."""

    label: str  # the return's action, e.g. 退回修改（退回县级）
    opinion: str
    unit: str
    at: dt.datetime


def return_opinion_for(application) -> ReturnOpinion | None:
    """The opinion of the level that returned the application, while it waits after that return (its latest
    record is the return); None once anything else happened to it."""
    record = application.review_records.order_by("-at", "-id").first()
    if record is None or record.action not in RETURN_ACTIONS:
        return None
    return ReturnOpinion(label=record.action_label, opinion=record.opinion, unit=record.actor_unit_name, at=record.at)


def with_return_opinion(queryset):
    """Annotate each application of a list with `return_opinion` and `return_unit` (None unless its latest record
    is a return): the same rule as return_opinion_for, in the list's one query."""
    latest = ReviewRecord.objects.filter(application=OuterRef("pk")).order_by("-at", "-id")
    return queryset.annotate(
        last_action=Subquery(latest.values("action")[:1]),
        return_opinion=Case(When(last_action__in=RETURN_ACTIONS, then=Subquery(latest.values("opinion")[:1]))),
        return_unit=Case(When(last_action__in=RETURN_ACTIONS, then=Subquery(latest.values("actor_unit_name")[:1]))),
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


@campaign_figure
def state_counts(user, campaign) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state an official can see (drafts are never submitted, so never seen)."""
    by_state = {}
    if campaign is not None:
        rows = applications_visible_to(user).filter(campaign=campaign).values("state").annotate(n=Count("id")).order_by()
        by_state = {row["state"]: row["n"] for row in rows}
    return [(s, State(s).label, by_state.get(s, 0)) for s in State.values if s != State.DRAFT]


def count_of(state_counts, state) -> int:
    """One state's number from `state_counts` (the dashboard's cards): no second query for it."""
    return next((n for s, _, n in state_counts if s == state), 0)


@campaign_figure
def count_in(user, campaign, *states, **filters) -> int:
    if campaign is None:
        return 0
    return applications_visible_to(user).filter(campaign=campaign, state__in=states, **filters).count()


@campaign_figure
def count_returned(user, campaign, state) -> int:
    """How many of the user's applications in `state` are there because a later level returned them."""
    if campaign is None:
        return 0
    waiting = applications_visible_to(user).filter(campaign=campaign, state=state)
    return with_return_opinion(waiting).filter(return_opinion__isnull=False).count()


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


@campaign_figure
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


@campaign_figure
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


# What a work list's row shows, and nothing more (never the report texts): issue #16.
ROW_FIELDS = (
    "id", "state", "campaign_id", "cluster_id", "renews_id", "submitted_at", "filing_number", "city_rank",
    "revenue", "tax_total", "cluster_rank", "unmet_conditions", "pending_conditions",
    "enterprise__name", "enterprise__credit_code", "enterprise__county__name", "reviewing_city_id",
    "cluster__name", "cluster__county__name",
    "county_verification__revenue", "county_verification__tax_total", "county_verification__cluster_rank",
    "county_verification__version",
)
ROW_RELATIONS = ("enterprise__county", "cluster__county", "county_verification")
CONDITION_CODES = tuple(c.code for c in eligibility.CONDITIONS)
UNMET, PENDING = "unmet", "pending"


@dataclass(frozen=True)
class SortColumn:
    """A column the list can be sorted by: its ?sort= key, its header and the fields (or expressions) it orders by."""

    key: str
    label: str
    fields: tuple


def _columns(*columns) -> dict[str, SortColumn]:
    return {c[0]: SortColumn(*c) for c in columns}


NAME = ("name", "企业名称", ("enterprise__name",))
CREDIT_CODE = ("credit_code", "统一社会信用代码", ("enterprise__credit_code",))
CLUSTER = ("cluster", "产业集群", ("cluster__name",))
COUNTY = ("county", "县（市、区）", ("enterprise__county__name",))
STATE = ("state", "状态", ("state",))
# Figures sort by the county's verified value where there is one, else by the declared one.
REVENUE = ("revenue", "营业收入（万元）", (Coalesce("county_verification__revenue", "revenue"),))
TAX = ("tax", "纳税总额（万元）", (Coalesce("county_verification__tax_total", "tax_total"),))
# Conditions sort by how many fail, then by how many await verification (the codes are two characters and a space).
CONDITIONS_COLUMN = ("conditions", "申报条件", (Length("unmet_conditions"), Length("pending_conditions")))
CITY_RANK = ("rank", "推荐排序", ("city_rank",))

COUNTY_COLUMNS = _columns(
    NAME, CREDIT_CODE, CLUSTER, ("submitted", "提交时间", ("submitted_at",)), STATE, REVENUE, TAX, CONDITIONS_COLUMN,
)
CITY_COLUMNS = _columns(CITY_RANK, NAME, COUNTY, REVENUE, TAX, ("verified_rank", "核实排名", ("county_verification__cluster_rank",)), CONDITIONS_COLUMN, STATE)
PROVINCE_COLUMNS = _columns(
    ("city", "设区市", ("reviewing_city_id",)), COUNTY, CLUSTER, NAME, CREDIT_CODE, CITY_RANK,
    REVENUE, CONDITIONS_COLUMN, STATE,
)


@dataclass(frozen=True)
class ListQuery:
    """What an official asked a work list for: search, filters and the sort (`-key` descending)."""

    q: str = ""
    state: str = ""
    cluster: int | None = None
    condition: str = ""  # "unmet", "pending" or a condition's code
    city: str = ""
    sort: str = ""

    def sort_key(self, columns) -> tuple[str, bool] | None:
        key, descending = self.sort.removeprefix("-"), self.sort.startswith("-")
        return (key, descending) if key in columns else None


def _searched(queryset, q: str):
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__icontains=q.upper()))


def _condition_filter(queryset, condition: str):
    if condition == UNMET:
        return queryset.exclude(unmet_conditions="")
    if condition == PENDING:
        return queryset.exclude(pending_conditions="")
    if condition in CONDITION_CODES:
        # The stored verdicts are space-separated codes ("A5 E1"); a code never contains another one.
        return queryset.filter(unmet_conditions__contains=condition)
    return queryset


def work_list(queryset, query: ListQuery, columns: dict[str, SortColumn], default_order: tuple, *, first=()):
    """Search, filter and sort a list's queryset, loading only the columns a row shows.

    `first`: orderings that always lead (the city's list stays grouped by cluster whatever the sort)."""
    queryset = _searched(queryset, query.q)
    if query.state:
        queryset = queryset.filter(state=query.state)
    if query.cluster:
        queryset = queryset.filter(cluster_id=query.cluster)
    if query.city:
        queryset = queryset.filter(reviewing_city_id=query.city)
    queryset = _condition_filter(queryset, query.condition)
    chosen = query.sort_key(columns)
    if chosen is None:
        order = default_order
    else:
        key, descending = chosen
        expressions = [F(f) if isinstance(f, str) else f for f in columns[key].fields]
        order = (*(e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in expressions), "id")
    return queryset.select_related(*ROW_RELATIONS).only(*ROW_FIELDS).order_by(*first, *order)


def county_queue(user, campaign, query: ListQuery = ListQuery()):
    """The county's applications of the campaign, oldest submission first unless sorted otherwise."""
    queryset = applications_visible_to(user).filter(campaign=campaign)
    return with_return_opinion(work_list(queryset, query, COUNTY_COLUMNS, ("submitted_at", "id")))


def city_applications(user, campaign, query: ListQuery = ListQuery()):
    """What the counties passed on (or one asked state), by cluster always, then in the city's ranking order unless
    sorted otherwise."""
    queryset = applications_visible_to(user).filter(campaign=campaign)
    if not query.state:  # any state when asked for one (the dashboard's cards), else what reached the city
        queryset = queryset.filter(state__in=CITY_STATES)
    return with_return_opinion(
        work_list(
            queryset, query, CITY_COLUMNS, (F("city_rank").asc(nulls_last=True), "submitted_at", "id"),
            first=("cluster__name", "cluster_id"),
        )
    )


def province_applications(user, campaign, query: ListQuery = ListQuery()):
    """The province's list: forwarded applications (or one chosen state), filtered and searched, by city and cluster."""
    queryset = applications_visible_to(user).filter(campaign=campaign)
    if not query.state:
        queryset = queryset.filter(state__in=FORWARDED_STATES)
    default = ("reviewing_city_id", "cluster__name", F("city_rank").asc(nulls_last=True), "id")
    return work_list(queryset, query, PROVINCE_COLUMNS, default)


def quotas_for(campaign, cluster_ids) -> dict[int, tuple[int, int]]:
    """(used, limit) per cluster, in one query: the clusters without a quota row have used none of the campaign's."""
    rows = ClusterQuota.objects.filter(campaign=campaign, cluster_id__in=set(cluster_ids)).values_list("cluster_id", "used", "quota")
    found = {cluster: (used, quota) for cluster, used, quota in rows}
    return {pk: found.get(pk, (0, campaign.quota_per_cluster)) for pk in set(cluster_ids)}


def rows_of(page_rows, campaign) -> list:
    """A page's applications with their campaign and their cluster's quota use set, so nothing a row asks (the
    state of its quota, its deadline) costs a query."""
    rows = list(page_rows)
    quotas = quotas_for(campaign, [a.cluster_id for a in rows]) if rows else {}
    for application in rows:
        application.campaign = campaign
        application.quota_use = quotas[application.cluster_id]
        _mark_figures(application)
    return rows


def _mark_figures(application) -> None:
    """The declared revenue and tax, and the county's verified value where it differs (None where it agrees)."""
    verification = getattr(application, "county_verification", None)  # loaded with the row: no query
    application.verification = verification
    for name in ("revenue", "tax_total"):
        verified = getattr(verification, name, None)
        differs = verified is not None and verified != getattr(application, name)
        setattr(application, f"{name}_verified", verified if differs else None)


def province_row_extras(rows) -> None:
    """The province's columns beyond the common row: spot checks, meeting decision and certificate, in 3 queries."""
    ids = [a.pk for a in rows]
    checks, decisions, certificates = {}, {}, {}
    for check in SpotCheck.objects.filter(application_id__in=ids).only("application_id", "result").order_by("id"):
        checks.setdefault(check.application_id, []).append(check)
    for decision in MeetingDecision.objects.filter(application_id__in=ids).only("application_id", "decision", "rank"):
        decisions[decision.application_id] = decision
    for certificate in Certificate.objects.filter(application_id__in=ids).only("application_id", "number"):
        certificates[certificate.application_id] = certificate
    for application in rows:
        application.checks = checks.get(application.pk, [])
        application.decision = decisions.get(application.pk)
        application.certificate_number = certificates[application.pk].number if application.pk in certificates else ""


@dataclass
class ClusterGroup:
    cluster: Cluster
    quota_used: int
    quota: int
    applications: list = field(default_factory=list)
    listed: int | None = None  # rows of this cluster in the whole (filtered) list, when it spans pages

    @property
    def full(self):
        return self.quota_used >= self.quota

    @property
    def split(self):
        """Part of the cluster's rows is on another page."""
        return self.listed is not None and self.listed > len(self.applications)

    @property
    def waiting(self):
        return [a for a in self.applications if a.state == State.CITY_REVIEW]


def cluster_groups(rows, listed=None) -> list[ClusterGroup]:
    """A page of the city's list (rows from `rows_of`, ordered by cluster) as one group per cluster; with `listed`
    (the whole list's queryset) each group also knows how many rows the list has in its cluster, in one query."""
    groups = []
    for _, members in groupby(rows, key=lambda a: a.cluster_id):
        members = list(members)
        used, limit = members[0].quota_use
        groups.append(ClusterGroup(cluster=members[0].cluster, quota_used=used, quota=limit, applications=members))
    if listed is not None and groups:
        totals = dict(
            listed.filter(cluster_id__in=[g.cluster.pk for g in groups]).order_by()
            .values_list("cluster_id").annotate(n=Count("id"))
        )
        for group in groups:
            group.listed = totals.get(group.cluster.pk, len(group.applications))
    return groups


def city_cluster_groups(user, campaign, cluster_id=None) -> list[ClusterGroup]:
    """What the counties passed on, grouped by cluster in the city's ranking order, with each cluster's quota."""
    if campaign is None:
        return []
    queryset = city_applications(user, campaign)
    if cluster_id is not None:
        queryset = queryset.filter(cluster_id=cluster_id)
    return cluster_groups(rows_of(queryset, campaign))


@dataclass(frozen=True)
class ClusterSummary:
    """One cluster on the city's dashboard: counted in the database."""

    cluster_id: int
    name: str
    county: str
    waiting: int
    unranked: int
    quota_used: int
    quota: int

    @property
    def full(self):
        return self.quota_used >= self.quota


@campaign_figure
def city_cluster_summaries(user, campaign) -> list[ClusterSummary]:
    """Per cluster the city has applications in: how many wait for it, how many of those are unranked, its quota."""
    if campaign is None:
        return []
    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign, state__in=CITY_STATES)
        .values("cluster_id", name=F("cluster__name"), county=F("cluster__county__name"))
        .annotate(
            waiting=Count("id", filter=Q(state=State.CITY_REVIEW)),
            unranked=Count("id", filter=Q(state=State.CITY_REVIEW, city_rank__isnull=True)),
        )
        .order_by("cluster__name", "cluster_id")
    )
    rows = list(rows)
    quotas = quotas_for(campaign, [r["cluster_id"] for r in rows])
    return [
        ClusterSummary(r["cluster_id"], r["name"], r["county"], r["waiting"], r["unranked"], *quotas[r["cluster_id"]])
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------------------------
# Why a button cannot act now
# ---------------------------------------------------------------------------------------------------------------


def mark_blocked(user, rows, action: str) -> None:
    """Set on each row (from `rows_of`) `blocked`: why the list's main action cannot be taken on it now ("" if it can)."""
    transition = TRANSITIONS[action]
    for application in rows:
        open_now = application.state in transition.sources
        blockers = transition_blockers(user, application, [transition], in_list=True) if open_now else {}
        application.blocked = blockers.get(action, "")


def transition_blockers(user, application, transitions, *, now=None, in_list=False) -> dict[str, str]:
    """For each of `transitions` (those open to `user`), the reason it cannot be taken now, if any.

    The workflow's own guards answer, those that depend only on the application and the time (deadlines, the
    cluster's quota, the county's verification); the guards on what the official types are left to the click, and
    a list (`in_list`) leaves those that read other rows to the application's page."""
    now = now or timezone.now()
    skipped = INPUT_GUARDS | ROW_GUARDS if in_list else INPUT_GUARDS
    reasons = {}
    for transition in transitions:
        step = Step(application=application, transition=transition, actor=user, opinion="", now=now)
        for guard in transition.guards:
            if guard in skipped:
                continue
            try:
                guard(step)
            except TransitionRefused as refusal:
                reasons[transition.action] = str(refusal)
                break
    return reasons


def cluster_choices(user) -> list[tuple[str, str]]:
    """The clusters a filter form offers `user` (from the cache): the province all, a city or county its own."""
    unit = user.unit_id or ""
    everywhere = user.has_perm("review.use_province_pages")
    return [(str(pk), name) for pk, name, county, city in cluster_rows() if everywhere or unit in (county, city)]


def city_choices() -> list[tuple[str, str]]:
    return city_rows()


# ---------------------------------------------------------------------------------------------------------------
# One application
# ---------------------------------------------------------------------------------------------------------------


def application_for_review(user, pk):
    """One application with what the officials' page shows, from the jurisdiction filter (None outside it)."""
    return read_through_jurisdiction(
        applications_visible_to(user)
        .select_related(
            "campaign", "cluster", "enterprise__county", "reviewing_city", "county_verification__verified_by",
            "certificate", "meeting_decision__meeting",
        )
        .prefetch_related("honours", "partners", "materials", "spot_checks__draw")
        .filter(pk=pk)
        .first(),
        user,
    )


def verification_of(application):
    """The county's 核实情况证明 of the application, or None before the county verified it."""
    return getattr(application, "county_verification", None)


def verdicts_for(application, verification=None):
    """The eligibility verdicts, on the county's verified figures once there are any."""
    return eligibility.evaluate(eligibility.rule_facts(application, verification=verification))


@dataclass(frozen=True)
class VerificationVersionRow:
    number: int
    kind: str
    by: str
    at: dt.datetime
    changes: list  # what differs from the version before, e.g. "核实集群内排名：2 → 4"


CHECK_LABELS = {eligibility.MET: "符合", eligibility.UNMET: "不符合"}


def _shown_check(entry) -> str:
    if not entry:
        return "尚未核实"
    return CHECK_LABELS.get(entry.get("verdict"), "尚未核实") + (f"（{entry['note']}）" if entry.get("note") else "")


def _version_changes(before, after) -> list[str]:
    if before is None:
        return ["首次填写"]
    changes = []
    for name in VERIFIED_FIELDS:
        old, new = BY_NAME[name].display(before), BY_NAME[name].display(after)  # as the screens show the figure
        if old != new:
            label = CountyVerificationVersion._meta.get_field(name).verbose_name
            changes.append(f"{label}：{'—' if old is None else old} → {'—' if new is None else new}")
    if before.remarks != after.remarks:
        changes.append("核实说明已修改")
    for condition in eligibility.COUNTY_CHECKED:
        old, new = before.condition_checks.get(condition.code), after.condition_checks.get(condition.code)
        if old != new:
            changes.append(f"{condition.code}：{_shown_check(old)} → {_shown_check(new)}")
    return changes or ["内容无变化"]


def verification_history(application) -> list[VerificationVersionRow]:
    """Every kept version of the 核实情况证明, newest first, each with what changed from the one before."""
    versions = list(application.verification_versions.order_by("number"))
    rows, before = [], None
    for version in versions:
        if version.kind == VerificationVersionKind.RECONFIRMED:
            resubmitted = f"（{chinese_datetime(version.submitted_at)}）" if version.submitted_at else ""
            changes = [f"企业重新提交{resubmitted}后确认核实情况无变化"]
        else:
            changes = _version_changes(before, version)
        rows.append(
            VerificationVersionRow(version.number, version.get_kind_display(), version.recorded_by_name,
                                   version.at, changes)
        )
        before = version
    return rows[::-1]


def figure_rows(application, verification=None) -> list[FigureRow]:
    """Declared against verified figures and shares, for the 核实情况证明 (`verification`: saved or being typed)."""
    return facts_for(application, verification).rows()


# ---------------------------------------------------------------------------------------------------------------
# Province: meetings and the public list
# ---------------------------------------------------------------------------------------------------------------


def meetings_of(user, campaign):
    """The campaign's meetings with their decisions counted in the database, and only the columns the list shows."""
    return (
        meetings_visible_to(user)
        .filter(campaign=campaign)
        .only("id", "name", "held_on", "minutes_number", "closed_at", "awarded_at")
        .annotate(n_decisions=Count("decisions"), n_award=Count("decisions", filter=Q(decisions__decision="award")))
        .order_by("-held_on", "-id")
    )


@campaign_figure
def meetings_page_counts(user, campaign) -> dict:
    """The meetings page's two figures in one query: awaiting the province, and awarded but not yet published."""
    if campaign is None:
        return {"pending": 0, "unpublished": 0}
    return applications_visible_to(user).filter(campaign=campaign).aggregate(
        pending=Count("id", filter=Q(state=State.PROVINCE_REVIEW)),
        unpublished=Count("id", filter=_awarded_unpublished(campaign)),
    )


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
    return (
        meeting.decisions.select_related(
            "application__enterprise__county", "application__reviewing_city", "application__cluster", "application__certificate"
        )
        .prefetch_related("application__spot_checks")
        .order_by("decision", F("rank").asc(nulls_last=True), "id")
    )


def award_confirmations(decisions) -> list[tuple]:
    """(application, what fails) for each 认定 of the meeting that goes against a condition or a 不符合 抽查: the
    province confirms and gives its reason before 认定 (workflow.reason_recorded)."""
    rows = []
    for decision in decisions:
        application = decision.application
        if decision.decision != Decision.AWARD or application.state != State.PROVINCE_REVIEW:
            continue
        results = {c.result for c in application.spot_checks.all()}
        failures = failures_against(Action.AWARD, application.unmet_codes, results)
        if failures:
            rows.append((application, [code for code, _ in failures]))
    return rows


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


def _awarded_unpublished(campaign) -> Q:
    """Awarded, and not by a meeting whose awards the campaign's 通报 already published."""
    awarded = Q(state=State.AWARDED)
    if campaign.results_published_at:
        awarded &= ~Q(meeting_decision__meeting__awarded_at__lte=campaign.results_published_at)
    return awarded


def awarded_unpublished_count(campaign) -> int:
    if campaign is None:
        return 0
    return Application.objects.filter(_awarded_unpublished(campaign), campaign=campaign).count()


def notifications_for(user):
    """The user's notifications, newest first, with only what the list shows (the link needs the application's id)."""
    return (
        Notification.objects.filter(recipient=user)
        .only("id", "recipient_id", "application_id", "message", "created_at", "read_at")
        .order_by("-created_at", "-id")
    )
