"""The province dashboard's figures: a fixed number of aggregate queries, whatever the number of applications."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from applications.eligibility import CONDITIONS
from applications.models import State
from applications.selectors import applications_visible_to
from review.models import Certificate, ReviewRecord
from review.workflow import Action
from titles import selectors
from titles.services import monitoring_year

LEVEL_ACTIONS = {
    "县级初审": (Action.COUNTY_PASS, (Action.COUNTY_RETURN, Action.COUNTY_REJECT)),
    "市级审核": (Action.CITY_FORWARD, (Action.CITY_RETURN_TO_COUNTY, Action.CITY_RETURN_TO_ENTERPRISE, Action.CITY_REJECT)),
    "省级审定": (Action.AWARD, (Action.DECLINE,)),
}


@dataclass
class Chart:
    """One chart and the table that says the same for those who cannot see it."""

    key: str
    title: str
    kind: str  # "bar", "stacked", "hbar" (horizontal bars, for long category names)
    categories: list = field(default_factory=list)
    series: list = field(default_factory=list)  # [(name, [values…])], drawn and tabled
    unit: str = "件"
    table_only: list = field(default_factory=list)  # [(name, [values…])], in the table only

    @property
    def columns(self):
        return [name for name, _ in self.series + self.table_only]

    @property
    def rows(self):
        every = self.series + self.table_only
        return [(category, [values[i] for _, values in every]) for i, category in enumerate(self.categories)]

    def as_json(self):
        return {"key": self.key, "title": self.title, "kind": self.kind, "categories": self.categories,
                "series": [{"name": name, "data": values} for name, values in self.series], "unit": self.unit}


def applications_by_city_and_state(user, campaign) -> Chart:
    rows = (
        applications_visible_to(user)
        .filter(campaign=campaign)
        .values("state", city=F("reviewing_city__name"))
        .annotate(n=Count("id"))
        .order_by()
    )
    states = [s for s in State.values if s != State.DRAFT]
    cities, counts = [], {}
    for row in rows:
        city = row["city"] or "（未设置）"
        if city not in cities:
            cities.append(city)
        counts[(city, row["state"])] = row["n"]
    cities.sort()
    series = [(State(s).label, [counts.get((c, s), 0) for c in cities]) for s in states]
    series = [(name, values) for name, values in series if any(values)]
    return Chart("by-city", "本批次各设区市申报情况（按状态）", "stacked", cities, series)


def pass_rates(user, campaign) -> Chart:
    counts = dict(
        ReviewRecord.objects.filter(application__in=applications_visible_to(user).filter(campaign=campaign))
        .values_list("action")
        .annotate(n=Count("id"))
        .order_by()
    )
    categories, passed, other, rates = [], [], [], []
    for level, (yes, noes) in LEVEL_ACTIONS.items():
        ok, not_ok = counts.get(yes, 0), sum(counts.get(a, 0) for a in noes)
        categories.append(level)
        passed.append(ok)
        other.append(not_ok)
        rates.append(round(100 * ok / (ok + not_ok), 1) if ok + not_ok else 0)
    return Chart("pass-rates", "各级审核通过率（%）", "bar", categories, [("通过率（%）", rates)], unit="%",
                 table_only=[("通过（件）", passed), ("退回或不予（件）", other)])


# Submitted and not taken back: every application the campaign's review has seen, whatever its state now.
NOT_SUBMITTED = (State.DRAFT, State.WITHDRAWN)


def conditions_failed(user, campaign) -> Chart:
    """条件不满足最多: how many of the campaign's submitted applications fail each condition, most first.

    Counted by the database from the stored verdicts (Application.unmet_conditions, codes such as "A5 E1"): one
    aggregate query with a conditional count per condition, whatever the number of applications. The codes are
    padded with spaces so that "A1" never counts an "A10".
    """
    padded = Concat(Value(" "), F("unmet_conditions"), Value(" "))
    counts = (
        applications_visible_to(user)
        .filter(campaign=campaign)
        .exclude(state__in=NOT_SUBMITTED)
        .annotate(padded_unmet=padded)
        .aggregate(
            submitted=Count("id"),
            **{f"fail_{c.code}": Count("id", filter=Q(padded_unmet__contains=f" {c.code} ")) for c in CONDITIONS},
        )
    )
    submitted = counts["submitted"]
    failing = sorted(
        ((c, counts[f"fail_{c.code}"]) for c in CONDITIONS if counts[f"fail_{c.code}"]), key=lambda pair: -pair[1]
    )
    return Chart(
        "conditions-failed", f"不满足最多的申报条件（本批次已提交 {submitted} 件）", "hbar",
        [f"{c.code} {c.title}" for c, _ in failing], [("不满足（件）", [n for _, n in failing])],
        table_only=[("占已提交（%）", [round(100 * n / submitted, 1) for _, n in failing])],
    )


def holders_by_city(user, today: dt.date) -> Chart:
    rows = (
        selectors.holders_visible_to(user, today)
        .values(city=F("reviewing_city__name"))
        .annotate(n=Count("id"))
        .order_by("city")
    )
    return Chart("holders-city", "有效称号企业（按设区市）", "bar", [r["city"] or "（未设置）" for r in rows],
                 [("企业数", [r["n"] for r in rows])], unit="家")


def holders_by_cluster(user, today: dt.date, limit=15) -> Chart:
    rows = (
        selectors.holders_visible_to(user, today)
        .values(cluster_name=F("cluster__name"))
        .annotate(n=Count("id"))
        .order_by("-n", "cluster_name")[:limit]
    )
    return Chart("holders-cluster", f"有效称号企业最多的产业集群（前 {limit} 个）", "hbar",
                 [r["cluster_name"] for r in rows], [("企业数", [r["n"] for r in rows])], unit="家")


def expiring_within_a_year(user, today: dt.date):
    """Certificates in force that expire in the next 365 days, soonest first."""
    return (
        Certificate.objects.filter(
            application__in=selectors.holders_visible_to(user, today),
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=365),
        )
        .select_related("application__enterprise", "application__cluster")
        .only("number", "expires_on", "application__enterprise__name", "application__cluster__name")
        .order_by("expires_on", "id")
    )


def expiring_by_month(expiring) -> Chart:
    months = {}
    for certificate in expiring:
        key = f"{certificate.expires_on.year}年{certificate.expires_on.month}月"
        months[key] = months.get(key, 0) + 1
    return Chart("expiring", "一年内到期的称号（按月）", "bar", list(months), [("到期数", list(months.values()))], unit="家")


def missing_reports_by_city(year: int, today: dt.date) -> Chart:
    rows = (
        selectors.holders_missing_report(year, today)
        .values(city=F("reviewing_city__name"))
        .annotate(n=Count("id"))
        .order_by("city")
    )
    return Chart("missing-reports", f"{year}年度运行监测未报送（按设区市）", "bar",
                 [r["city"] or "（未设置）" for r in rows], [("未报送", [r["n"] for r in rows])], unit="家")


def province_dashboard(user, campaign, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    year = monitoring_year(today)
    expiring = list(expiring_within_a_year(user, today)[:200])
    charts = [holders_by_city(user, today), holders_by_cluster(user, today), expiring_by_month(expiring),
              missing_reports_by_city(year, today)]
    if campaign is not None:
        charts = [
            applications_by_city_and_state(user, campaign), pass_rates(user, campaign), conditions_failed(user, campaign),
            *charts,
        ]
    flagged = selectors.monitoring_rows(user, year, only_failing=True)
    return {"charts": charts, "expiring": expiring, "flagged": flagged, "monitoring_year": year, "today": today}


DASHBOARD_CACHE_SECONDS = 300


def cached_province_dashboard(user, campaign, *, refresh: bool = False) -> dict:
    """province_dashboard, computed at most once every 5 minutes per campaign and unit (its aggregates read every
    application of the campaign and every title, the same for every province official), or now when asked; the
    page says when its figures were computed."""
    key = f"titles:dashboard:{user.unit_id}:{campaign.pk if campaign else 0}:{timezone.localdate()}"
    figures = None if refresh else cache.get(key)
    if figures is None:
        figures = {**province_dashboard(user, campaign), "computed_at": timezone.now()}
        cache.set(key, figures, DASHBOARD_CACHE_SECONDS)
    return figures
