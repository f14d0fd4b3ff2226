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
from applications.growth import growth_rows, years_of
from applications.models import REPORT_SECTIONS, Application, State
from applications.selectors import applications_visible_to
from portal.dates import chinese_date
from portal.directory.models import Campaign
from portal.directory.offices import office_of
from review.models import Certificate, ReviewRecord
from review.selectors import verification_of
from review.workflow import Action

from .pdf import qr_data_uri

CHINESE_NUMERALS = "一二三四五六七八九十"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def public_url(path: str) -> str:
    """An absolute, ASCII address for QR codes: PUBLIC_BASE_URL + path."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def campaign_for(year: str | None) -> Campaign | None:
    """The campaign named by `year`, else the open one, else the latest."""
    if year:
        return Campaign.objects.filter(year=year).first() if str(year).isdigit() else None
    return Campaign.current() or Campaign.objects.order_by("-year").first()


def application_for_documents(user, pk) -> Application:
    """The application if `user` may see it (404 otherwise), with what every document prints."""
    queryset = applications_visible_to(user).select_related(
        "campaign", "cluster", "enterprise__county", "reviewing_city", "county_verification__verified_by", "certificate"
    )
    return get_object_or_404(
        queryset.prefetch_related(
            "honours",
            "partners",
            "materials",
            Prefetch("review_records", queryset=ReviewRecord.objects.select_related("actor_unit").order_by("at", "id")),
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
    """What a document's footer prints: the SHA-256 of the data the document prints, how it stands against
    the last sign-off, and where to check it."""

    sha256: str
    signed: bool  # some sign-off recorded exactly this data and no later one differs
    changed: bool = False  # signed before, but the data differs from the last signed record
    last_signed_on: str = ""
    last_action: str = ""

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
    """The fingerprint of the data as printed now, compared with the last review record's."""
    live = fingerprint(application)
    records = list(application.review_records.all())
    if not records:
        return DocumentFingerprint(live, signed=False)
    last = records[-1]
    return DocumentFingerprint(
        live, signed=last.data_sha256 == live, changed=last.data_sha256 != live,
        last_signed_on=chinese_date(timezone.localdate(last.at)), last_action=last.action_label,
    )


# The three opinion blocks of the 推荐审核表, the actions whose records fill them and those that reopen the level
# (its decision was sent back to it: the block is empty until it decides again).
OPINION_LEVELS = [
    ("县级初审意见", {Action.COUNTY_PASS, Action.COUNTY_REJECT}, {Action.CITY_RETURN_TO_COUNTY}),
    (
        "设区市工信局审核意见", {Action.CITY_FORWARD, Action.CITY_REJECT},
        {Action.CITY_WITHDRAW_FORWARD, Action.PROVINCE_RETURN_TO_CITY},
    ),
    ("省局审定意见", {Action.AWARD, Action.DECLINE}, set()),
]


@dataclass(frozen=True)
class OpinionBlock:
    title: str
    decision: str = ""
    opinion: str = ""
    person: str = ""
    unit: str = ""
    date: str = ""
    overridden: str = ""  # the failing conditions the level acknowledged ("A5、E1"), with its reason
    override_reason: str = ""

    @property
    def filled(self) -> bool:
        return bool(self.decision)


def opinion_blocks(application) -> list[OpinionBlock]:
    """Each level's latest decision since the last submission (earlier rounds were superseded)."""
    records = list(application.review_records.all())
    last_submit = max((i for i, r in enumerate(records) if r.action == Action.SUBMIT), default=-1)
    current = records[last_submit + 1 :]
    blocks = []
    for title, actions, reopening in OPINION_LEVELS:
        record = next((r for r in reversed(current) if r.action in actions | reopening), None)
        if record is None or record.action in reopening:
            blocks.append(OpinionBlock(title))
            continue
        blocks.append(
            OpinionBlock(
                title,
                decision=record.action_label,
                opinion=record.opinion,
                person=record.actor_name,
                unit=office_of(record.actor_unit) if record.actor_unit_id else record.actor_unit_name,
                date=chinese_date(timezone.localdate(record.at)),
                overridden=record.overridden,
                override_reason=record.override_reason,
            )
        )
    return blocks


@dataclass(frozen=True)
class PrintedVerdict:
    """A condition's verdict as a form prints it."""

    code: str
    title: str
    status: str
    label: str
    reason: str


# Where the county has decided, a condition it gave no verdict on (an application verified before the county
# recorded verdicts) no longer waits for anyone: the form says so instead of 待核实.
NOT_CHECKED_LABEL = "县级未单独核实"
UNDECIDED_STATES = {State.DRAFT, State.COUNTY_REVIEW, State.RETURNED, State.WITHDRAWN}


def printed_verdicts(application, verdicts) -> list[PrintedVerdict]:
    decided = application.state not in UNDECIDED_STATES
    printed = []
    for v in verdicts:
        if decided and v.status == eligibility.PENDING:
            base = v.reason.removesuffix("。").removesuffix("，由县级核实")
            printed.append(
                PrintedVerdict(v.code, v.title, "unchecked", NOT_CHECKED_LABEL, f"{base}；县级初审未单独记录此项核实结论。")
            )
        else:
            printed.append(PrintedVerdict(v.code, v.title, v.status, v.label, v.reason))
    return printed


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
        "verdicts": printed_verdicts(
            application, eligibility.evaluate(eligibility.rule_facts(application, verification=verification))
        ),
        "verified": verification is not None,
        "facts": facts,
        "figures": figure_cells(facts),
        "honours": list(application.honours.all()),
        "partners": list(application.partners.all()),
        "opinions": opinion_blocks(application),
        "fingerprint": document_fingerprint(application),
        "submitted_on": submitted_on(application),
        "growth": growth_rows(application),
        "growth_years": years_of(application),
    }


def receipt_context(application) -> dict:
    """提交回执: the 申报编号, when it was (last) submitted, the fingerprint of what was submitted, what happens next."""
    submits = [r for r in application.review_records.all() if r.action == Action.SUBMIT]
    record = submits[-1]
    county = application.enterprise.county
    campaign = application.campaign
    return {
        "application": application,
        "enterprise": application.enterprise,
        "submitted_at": timezone.localtime(record.at),
        "resubmission": len(submits) > 1,
        "county_office": office_of(county),
        "county_phone": county.office_phone,
        "county_deadline": chinese_date(campaign.county_deadline),
        "fingerprint": DocumentFingerprint(record.data_sha256, signed=True),
    }


def report_context(application) -> dict:
    return {
        "application": application,
        "enterprise": application.enterprise,
        "sections": report_sections(application),
        "submitted_on": submitted_on(application),
        "recommending_unit": office_of(application.enterprise.county),
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
    verdicts = eligibility.evaluate(eligibility.rule_facts(application, verification=verification))
    unmet = [v for v in verdicts if v.status == eligibility.UNMET]
    return {
        "application": application,
        "enterprise": application.enterprise,
        "verification": verification,
        "rows": rows,
        "issuing_unit": office_of(verifier.unit if verifier.unit_id else county),
        "recipient": office_of(application.city or county),
        "meets": not unmet,
        "unmet": unmet,
        "pending": [v for v in verdicts if v.status == eligibility.PENDING],
        "county_checked": [v for v in verdicts if v.code in {c.code for c in eligibility.COUNTY_CHECKED}
                           and v.status != eligibility.PENDING and "（县级核实）" in v.reason],
        "verifier": verifier.display_name,
        "verified_on": chinese_date(timezone.localdate(verification.verified_at)),
        "fingerprint": document_fingerprint(application),
    }


@dataclass(frozen=True)
class SignedDocumentCheck:
    enterprise: str
    first_signed_on: str
    last_signed_on: str
    current: bool  # True: the application's latest sign-off recorded this data; False: an earlier version

    @property
    def verdict(self) -> str:
        return "与签署记录一致" if self.current else "为较早的签署版本"


def signed_document_check(sha256: str) -> SignedDocumentCheck | None:
    """Whether some sign-off recorded exactly this data, and whether it is the latest one of its application.

    Only the enterprise, the dates and that one answer: the full 64-character hash is required (no prefix
    search), so the page cannot be used to list applications; no state and no figures are shown.
    """
    if not SHA256_RE.match(sha256):
        return None
    records = list(
        ReviewRecord.objects.filter(data_sha256=sha256).select_related("application__enterprise").order_by("at", "id")
    )
    if not records:
        return None
    application_id = records[-1].application_id
    latest = (
        ReviewRecord.objects.filter(application_id=application_id).order_by("-at", "-id").values_list("data_sha256", flat=True).first()
    )
    return SignedDocumentCheck(
        enterprise=records[-1].application.enterprise.name,
        first_signed_on=chinese_date(timezone.localdate(records[0].at)),
        last_signed_on=chinese_date(timezone.localdate(records[-1].at)),
        current=latest == sha256,
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


# 撤销称号通报 -------------------------------------------------------------------------------------------------


def revocations_awaiting_notice(user):
    """Revoked titles the user may see that no 撤销称号通报 has listed yet, in the order they were revoked."""
    from review.selectors import certificates_visible_to

    return (
        certificates_visible_to(user)
        .filter(revoked_at__isnull=False, revocation_notice_entry__isnull=True)
        .select_related("application__enterprise__county", "application__reviewing_city", "campaign")
        .order_by("revoked_at", "id")
    )


def revocation_notices():
    """The issued 撤销称号通报, newest first, with how many revocations each lists."""
    from django.db.models import Count

    from review.models import IssuedLetter, LetterKind

    return (
        IssuedLetter.objects.filter(kind=LetterKind.REVOCATION)
        .annotate(n_entries=Count("revocation_entries"))
        .order_by("-dated", "-id")
    )
