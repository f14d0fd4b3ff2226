"""Reads for the generated documents: plain data that the templates and the workbook writer print."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from applications import eligibility
from applications.fingerprint import fingerprint
from applications.models import REPORT_SECTIONS, Application, State
from applications.selectors import applications_visible_to
from portal.directory.models import Campaign
from review.models import Certificate, ReviewRecord
from review.selectors import verification_of
from review.workflow import Action

from .pdf import qr_data_uri

CHINESE_NUMERALS = "一二三四五六七八九十"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def public_url(path: str) -> str:
    """An absolute, ASCII address for QR codes: PUBLIC_BASE_URL + path."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def campaign_for(year: str | None) -> Campaign | None:
    """The campaign named by `year`, else the open one, else the latest."""
    if year:
        return Campaign.objects.filter(year=year).first() if str(year).isdigit() else None
    return Campaign.current() or Campaign.objects.order_by("-year").first()


def application_for_documents(user, pk) -> Application:
    """The application if `user` may see it (404 otherwise), with what every document prints."""
    queryset = applications_visible_to(user).select_related(
        "campaign", "cluster", "enterprise__county__reviewing_city", "county_verification__verified_by", "certificate"
    )
    return get_object_or_404(
        queryset.prefetch_related(
            "honours",
            "partners",
            "materials",
            Prefetch("review_records", queryset=ReviewRecord.objects.order_by("at", "id")),
        ),
        pk=pk,
    )


def certificate_of(application) -> Certificate | None:
    try:
        return application.certificate
    except Certificate.DoesNotExist:
        return None


@dataclass(frozen=True)
class DocumentFingerprint:
    """What a document's footer prints: the SHA-256 of the signed data and where to check it."""

    sha256: str
    signed: bool  # False for a draft: nobody has signed this data yet

    @property
    def short(self) -> str:
        return self.sha256[:16]

    @property
    def url(self) -> str:
        return public_url(reverse("verify_document", args=[self.sha256]))

    @property
    def qr(self) -> str:
        return qr_data_uri(self.url, scale=3)


def document_fingerprint(application) -> DocumentFingerprint:
    """The latest review record's hash (what was last signed off), or the live hash of a draft."""
    records = list(application.review_records.all())
    if records:
        return DocumentFingerprint(records[-1].data_sha256, signed=True)
    return DocumentFingerprint(fingerprint(application), signed=False)


# The three opinion blocks of the 推荐审核表 and the actions whose records fill them.
OPINION_LEVELS = [
    ("县级初审意见", {Action.COUNTY_PASS, Action.COUNTY_REJECT}),
    ("设区市工信局审核意见", {Action.CITY_FORWARD, Action.CITY_REJECT}),
    ("省局审定意见", {Action.AWARD, Action.DECLINE}),
]


@dataclass(frozen=True)
class OpinionBlock:
    title: str
    decision: str = ""
    opinion: str = ""
    person: str = ""
    unit: str = ""
    date: str = ""

    @property
    def filled(self) -> bool:
        return bool(self.decision)


def opinion_blocks(application) -> list[OpinionBlock]:
    """Each level's latest decision since the last submission (earlier rounds were superseded)."""
    records = list(application.review_records.all())
    last_submit = max((i for i, r in enumerate(records) if r.action == Action.SUBMIT), default=-1)
    current = records[last_submit + 1 :]
    blocks = []
    for title, actions in OPINION_LEVELS:
        record = next((r for r in reversed(current) if r.action in actions), None)
        if record is None:
            blocks.append(OpinionBlock(title))
            continue
        blocks.append(
            OpinionBlock(
                title,
                decision=record.action_label,
                opinion=record.opinion,
                person=record.actor_name,
                unit=record.actor_unit_name,
                date=chinese_date(timezone.localdate(record.at)),
            )
        )
    return blocks


def report_sections(application) -> list[tuple[str, str, str]]:
    return [
        (CHINESE_NUMERALS[i], Application._meta.get_field(name).verbose_name, getattr(application, name))
        for i, name in enumerate(REPORT_SECTIONS)
    ]


def submitted_on(application) -> str:
    return chinese_date(timezone.localdate(application.submitted_at)) if application.submitted_at else "（尚未提交）"


def share(numerator, denominator) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return eligibility.percent(numerator, denominator)


def form_context(application) -> dict:
    verification = verification_of(application)
    facts = eligibility.facts_for(
        application,
        honours=[(h.kind, h.level) for h in application.honours.all()],
        partner_count=len(application.partners.all()),
        verification=verification,
    )
    return {
        "application": application,
        "enterprise": application.enterprise,
        "verdicts": eligibility.evaluate(facts),
        "verified": verification is not None,
        "rd_share": share(application.rd_spend, application.revenue),
        "equity_share": share(application.owners_equity, application.total_assets),
        "honours": list(application.honours.all()),
        "partners": list(application.partners.all()),
        "opinions": opinion_blocks(application),
        "fingerprint": document_fingerprint(application),
        "submitted_on": submitted_on(application),
    }


def report_context(application) -> dict:
    return {
        "application": application,
        "enterprise": application.enterprise,
        "sections": report_sections(application),
        "submitted_on": submitted_on(application),
        "fingerprint": document_fingerprint(application),
    }


VERIFIED_ROWS = [
    ("上年度营业收入（万元）", "revenue", "money"),
    ("上年度纳税总额（万元）", "tax_total", "money"),
    ("资产总额（万元）", "total_assets", "money"),
    ("所有者权益（万元）", "owners_equity", "money"),
    ("集群内排名", "cluster_rank", "rank"),
]


def verification_context(application) -> dict:
    verification = verification_of(application)
    rows = []
    for label, name, kind in VERIFIED_ROWS:
        declared, verified = getattr(application, name), getattr(verification, name)
        rows.append(
            {"label": label, "kind": kind, "declared": declared, "verified": verified,
             "differs": verified is not None and verified != declared}
        )
    declared_share = share(application.owners_equity, application.total_assets)
    verified_share = share(
        verification.owners_equity if verification.owners_equity is not None else application.owners_equity,
        verification.total_assets if verification.total_assets is not None else application.total_assets,
    )
    rows.append(
        {"label": "所有者权益占资产总额（%）", "kind": "percent", "declared": declared_share, "verified": verified_share,
         "differs": declared_share != verified_share}
    )
    verifier = verification.verified_by
    county = application.enterprise.county
    return {
        "application": application,
        "enterprise": application.enterprise,
        "verification": verification,
        "rows": rows,
        "issuing_unit": f"{verifier.unit.name if verifier.unit_id else county.name}中小企业管理部门",
        "verifier": verifier.display_name,
        "verified_on": chinese_date(timezone.localdate(verification.verified_at)),
        "fingerprint": document_fingerprint(application),
    }


@dataclass(frozen=True)
class SignedDocumentCheck:
    enterprise: str
    first_signed_on: str
    last_signed_on: str


def signed_document_check(sha256: str) -> SignedDocumentCheck | None:
    """Whether some sign-off recorded exactly this data: only the enterprise and the dates, nothing else.

    The full 64-character hash is required (no prefix search), so the page cannot be used to list
    applications; it does not reveal the application's state, figures or whether it changed since.
    """
    if not SHA256_RE.match(sha256):
        return None
    records = list(
        ReviewRecord.objects.filter(data_sha256=sha256).select_related("application__enterprise").order_by("at", "id")
    )
    if not records:
        return None
    return SignedDocumentCheck(
        enterprise=records[-1].application.enterprise.name,
        first_signed_on=chinese_date(timezone.localdate(records[0].at)),
        last_signed_on=chinese_date(timezone.localdate(records[-1].at)),
    )


def certificate_by_token(token: str) -> Certificate | None:
    if not token or len(token) > 64:
        return None
    # Only what the public page shows: the application's long report texts are never loaded here.
    return (
        Certificate.objects.select_related("application__enterprise", "application__cluster", "campaign")
        .only(
            "number", "issued_on", "revoked_at", "token",
            "campaign__title",
            "application__enterprise__name", "application__enterprise__credit_code",
            "application__cluster__name",
        )
        .filter(token=token)
        .order_by()
        .first()
    )


def awarded_applications(campaign):
    """The 已认定 applications with a valid certificate, by city, cluster and certificate number."""
    return (
        Application.objects.filter(campaign=campaign, state=State.AWARDED, certificate__revoked_at__isnull=True)
        .select_related("enterprise__county__reviewing_city", "cluster", "certificate")
        .order_by("enterprise__county__reviewing_city_id", "cluster__name", "certificate__serial")
    )
