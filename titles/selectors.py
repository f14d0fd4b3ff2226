"""Reads about the title after the meeting. Objectors' personal data is read only by province views."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q

from applications.eligibility import CONDITIONS, UNMET, Facts
from applications.models import Application, State
from applications.selectors import applications_visible_to
from portal.pagination import ByIds
from review.models import (
    Certificate,
    CertificateStatus,
    Objection,
    ObjectionOutcome,
    Publicity,
    PublicityEntry,
)
from review.selectors import certificates_visible_to, meetings_visible_to
from titles.models import MonitoringReport

# Scoping: every read of a 公示 or an objection starts from one of these (outside them: 404) ------------------------


def publicities_visible_to(user):
    """The 公示 `user` may see: every one, to everyone, signed in or not. A 公示 exists only once the province has
    published it (`publicity_publish`), and the public page lists it from then on, before its period as well.
    Only names of enterprises, clusters and cities are in it; the objections are read through
    `objections_visible_to`."""
    return Publicity.objects.all()


def objections_visible_to(user):
    """The objections `user` may see, with the objectors' names and telephone numbers: the province's (the rule
    `titles.manage_publicity`), and nobody else's, the enterprise objected to included."""
    if not user.has_perm("titles.manage_publicity"):
        return Objection.objects.none()
    return Objection.objects.all()


def objection_by_receipt(reference: str):
    """The objection named by a signed receipt: the receipt is the objector's proof (valid for a day), and its page
    shows only the reference, the enterprise objected to and the time. None if there is no such objection."""
    return Objection.objects.select_related("entry").filter(reference=reference).first()


# 公示 and objections ----------------------------------------------------------------------------------------------


def publicities_public(user):
    """Every 公示, newest first, with its list (public: names of enterprises, clusters and cities only)."""
    return (
        publicities_visible_to(user).select_related("campaign").prefetch_related("entries").order_by("-starts_on", "-id")
    )


def publicity_entries(publicity):
    return PublicityEntry.objects.filter(publicity=publicity).order_by("position")


def meetings_awaiting_publicity(user, campaign):
    """Closed meetings with 认定 decisions whose list has not been published yet."""
    return (
        meetings_visible_to(user)
        .filter(campaign=campaign, closed_at__isnull=False, awarded_at__isnull=True, publicity__isnull=True)
        .annotate(n_award=Count("decisions", filter=Q(decisions__decision="award")))
        .filter(n_award__gt=0)
        .order_by("held_on", "id")
    )


def publicities_for_province(user, campaign):
    """The campaign's 公示 with how many objections each has and how many are open (the province's page)."""
    return (
        publicities_visible_to(user)
        .filter(campaign=campaign)
        .select_related("meeting")
        .annotate(
            n_entries=Count("entries", distinct=True),
            n_objections=Count("entries__objections", distinct=True),
            n_open=Count("entries__objections", filter=Q(entries__objections__outcome=ObjectionOutcome.OPEN), distinct=True),
        )
        .order_by("-starts_on", "-id")
    )


def objections_of(user, publicity):
    return (
        objections_visible_to(user)
        .filter(entry__publicity=publicity)
        .select_related("entry", "handled_by")
        .order_by("-lodged_at", "-id")
    )


# 年度运行监测 ------------------------------------------------------------------------------------------------------

MONITORED_CONDITIONS = ("A3", "A4", "C2", "E1")  # the conditions computed from the yearly figures


def holds_valid_certificate(today=None):
    """The application's current certificate is valid today (`CertificateQuerySet.valid`)."""
    return Exists(Certificate.objects.valid(today).filter(application=OuterRef("pk")))


def holders_visible_to(user, today=None):
    """The titles in force that `user` may see: awarded applications whose certificate is valid today."""
    return applications_visible_to(user).filter(holds_valid_certificate(today), state=State.AWARDED)


def held_during(year: int):
    """The title existed in `year`: a certificate was first issued for it by then. A re-issued certificate carries
    the day of the re-issue, but the title (and its yearly report) goes back to the first one."""
    return Exists(Certificate.objects.filter(issued_for=OuterRef("pk"), issued_on__year__lte=year))


def monitoring_reports_visible_to(user):
    return MonitoringReport.objects.filter(application__in=applications_visible_to(user))


def holders_missing_report(year: int, today=None):
    """Titles in force, awarded before or in `year`, with no report for `year` (province-wide)."""
    return (
        Application.objects.filter(holds_valid_certificate(today), state=State.AWARDED)
        .filter(held_during(year))
        .exclude(monitoring_reports__year=year)
    )


def monitored_verdicts(report) -> list:
    """What the report's figures say about the conditions computed from them (no query)."""
    facts = Facts(**{name: getattr(report, name) for name in ("revenue", "tax_total", "total_assets", "owners_equity", "rd_spend")})
    return [c.judge(facts) for c in CONDITIONS if c.code in MONITORED_CONDITIONS]


@dataclass
class HolderRow:
    application: Application
    report: MonitoringReport | None
    verdicts: list

    @property
    def failing(self):
        return [v for v in self.verdicts if v.status == UNMET]


def monitoring_rows(user, year: int, *, only_failing=False, only_missing=False):
    """One row per title in force: the holder, its report of `year` (or none) and the verdicts on it. Read a page at a
    time (`ByIds`: only the page's reports are read and judged); only the failing ones, judged in Python from the
    reports' figures, as a list."""
    holders = holders_visible_to(user).filter(held_during(year)).order_by("reviewing_city_id", "cluster__name", "id")
    if only_missing:
        holders = holders.exclude(monitoring_reports__year=year)
    if only_failing:
        holders = holders.filter(monitoring_reports__year=year)
    rows = ByIds(
        holders,
        rows=Application.objects.select_related("enterprise__county", "reviewing_city", "cluster", "certificate").only(
            "id", "enterprise__name", "enterprise__county__name", "reviewing_city__name",
            "cluster__name", "certificate__number", "certificate__expires_on",
        ),
        then=lambda page: _with_reports(page, year),
    )
    return [row for row in rows if row.failing] if only_failing else rows


def _with_reports(holders, year: int) -> list[HolderRow]:
    reports = {r.application_id: r for r in MonitoringReport.objects.filter(application__in=holders, year=year)}
    return [HolderRow(h, reports.get(h.pk), monitored_verdicts(reports[h.pk]) if h.pk in reports else []) for h in holders]


# 证书 ------------------------------------------------------------------------------------------------------------

def certificates_for_province(user, *, status="", q="", today=None):
    """证书管理: every certificate the user may see (replaced and revoked ones with their status), optionally only
    those of one status (`CertificateQuerySet.with_status`) or matching a number, name or credit code."""
    certificates = (
        certificates_visible_to(user)
        .select_related("issued_for__enterprise", "issued_for__cluster", "campaign")
        .only(
            "number", "issued_on", "expires_on", "revoked_at", "replaced_by", "campaign__year",
            "issued_for__enterprise__name", "issued_for__enterprise__credit_code", "issued_for__cluster__name",
        )
        .order_by("-campaign__year", "serial", "reissue_index")
    )
    if status in CertificateStatus.values:
        certificates = certificates.with_status(status, today)
    if q:
        certificates = certificates.filter(
            Q(number__icontains=q) | Q(issued_for__enterprise__name__icontains=q)
            | Q(issued_for__enterprise__credit_code__iexact=q)
        )
    return certificates


def titles_of_enterprise(user):
    """Every title the enterprise won, in force or not, newest first."""
    return (
        applications_visible_to(user)
        .filter(state=State.AWARDED, certificate__isnull=False)
        .annotate(first_issued_on=Min("certificate_history__issued_on"))
        .select_related("certificate__replaced_by", "campaign", "cluster")
        .order_by("-campaign__year")
    )


def renewals_of(user) -> dict:
    """{title id: its 复核 application} for the enterprise's titles."""
    return {a.renews_id: a for a in applications_visible_to(user).filter(renews__isnull=False).select_related("campaign")}


def reports_due(title, year: int) -> bool:
    """A title in force first issued in or before `year` reports that year (a re-issue does not reset it)."""
    certificate = title.certificate
    first_issued_on = getattr(title, "first_issued_on", None) or certificate.issued_on
    return certificate.status() == "valid" and first_issued_on.year <= year
