"""Reads for the generated documents: plain data that the templates and the workbook writer print."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from applications import eligibility
from applications.fields import facts_for
from applications.fingerprint import fingerprint
from applications.models import REPORT_SECTIONS, Application
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


def form_context(application) -> dict:
    verification = verification_of(application)
    facts = facts_for(application, verification)
    return {
        "application": application,
        "enterprise": application.enterprise,
        "verdicts": eligibility.evaluate(eligibility.rule_facts(application, verification=verification)),
        "verified": verification is not None,
        "facts": facts,
        "figures": figure_cells(facts),
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


@dataclass(frozen=True)
class FigureCell:
    """One figure of the 推荐审核表 PDF: the value shown (verified where the county verified it) and, where the
    county's figure differs from the enterprise's, the declared one beside it."""

    value: object
    verified: bool
    declared: object
    differs: bool
    money: bool


def figure_cells(facts) -> dict[str, FigureCell]:
    cells = {}
    for row in facts.rows():
        shown = row.verified if row.verified is not None else row.declared
        cells[row.name] = FigureCell(shown, row.verified is not None, row.declared, row.differs, row.unit == "万元")
    cells["rd_spend"] = FigureCell(facts.rd_spend, False, facts.rd_spend, False, True)
    return cells


def verification_context(application) -> dict:
    verification = verification_of(application)
    rows = [
        {"label": f"{row.label}（{row.unit}）" if row.unit != "位" else row.label, "unit": row.unit,
         "declared": row.declared, "verified": row.verified, "differs": row.differs}
        for row in facts_for(application, verification).rows()
    ]
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
        Certificate.objects.select_related(
            "issued_for__enterprise", "issued_for__cluster", "campaign", "replaced_by"
        )
        .only(
            "number", "issued_on", "expires_on", "revoked_at", "revoked_reason", "revocation_ground", "token",
            "replaced_at", "replaced_by__number", "campaign__title",
            "issued_for__enterprise__name", "issued_for__enterprise__credit_code",
            "issued_for__cluster__name",
        )
        .filter(token=token)
        .order_by()
        .first()
    )
