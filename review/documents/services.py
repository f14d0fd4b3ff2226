"""Writes for documents: starting the 生成证书 batch (queued; `batch.py` does the work in the task worker)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.audit.models import Event
from portal.audit.services import audit
from portal.dates import chinese_date
from review.models import CertificateBatch, IssuedLetter, LetterKind, RevocationNoticeEntry

from .certificates import campaign_certificates
from .selectors import revocations_awaiting_notice
from .tasks import generate_certificate_batch

ACTIVE = ("queued", "running")
# A batch still queued or running after this long lost its worker (a restart, a crash): it no longer blocks.
STALE_AFTER = dt.timedelta(hours=2)


class BatchRefused(Exception):
    """The batch cannot start; the message is for the user."""


class LetterRefused(Exception):
    """The 公文 cannot be issued as asked; the message is for the user."""


def certificate_batch_start(*, campaign, actor) -> CertificateBatch:
    """Queue the generation of every valid certificate of `campaign`; one batch at a time per campaign."""
    if not actor.has_perm("review.manage_certificate_batches"):
        raise BatchRefused("只有省级审核员可以生成证书。")
    with transaction.atomic():
        now = timezone.now()
        CertificateBatch.objects.filter(campaign=campaign, status__in=ACTIVE, requested_at__lt=now - STALE_AFTER).update(
            status="failed", error="生成超时（工作进程可能已中断），可重新生成。", finished_at=now
        )
        if CertificateBatch.objects.select_for_update().filter(campaign=campaign, status__in=ACTIVE).exists():
            raise BatchRefused("本批次已有证书生成任务在进行，请等待其完成。")
        total = campaign_certificates(campaign).count()
        if total == 0:
            raise BatchRefused("本批次尚无已认定企业的有效证书，无法生成。")
        batch = CertificateBatch.objects.create(campaign=campaign, requested_by=actor, total=total)
        audit(Event.EXPORT, user=actor, obj=batch, detail=f"生成证书：{campaign.title}，共 {total} 份")
        # The worker must see the committed row.
        transaction.on_commit(lambda: generate_certificate_batch.enqueue(batch.pk))
    return batch


def letter_issue(*, actor, kind: str, campaign, unit, values: dict) -> IssuedLetter:
    """Record (or correct) the 发文字号, 签发人 and 成文日期 of the unit's 推荐文件 or 通报."""
    with transaction.atomic():
        letter, created = IssuedLetter.objects.update_or_create(
            kind=kind, campaign=campaign, unit=unit, defaults={**values, "issued_by": actor}
        )
        label = letter.get_kind_display()
        audit(
            Event.ADMIN_CHANGE, user=actor, obj=letter,
            detail=f"{'登记' if created else '更正'}{label}：{letter.document_number}，成文日期 {letter.dated:%Y-%m-%d}"
            + (f"，签发人 {letter.signer}" if letter.signer else ""),
        )
    return letter


def revocation_notice_issue(*, actor, campaign, unit, values: dict) -> IssuedLetter:
    """Issue a 撤销称号通报: it lists every revocation not announced before, copied into its entries so the
    document never changes afterwards; each revocation is announced once."""
    if not actor.has_perm("review.issue_revocation_notices"):
        raise LetterRefused("只有省级审核员可以发布撤销称号通报。")
    with transaction.atomic():
        # Locked so that two officials issuing at once cannot list the same revocation twice.
        pending = list(revocations_awaiting_notice(actor).select_for_update(of=("self",)))
        if not pending:
            raise LetterRefused("没有尚未通报的撤销称号，无需发布撤销称号通报。")
        _check_dated(values["dated"], max(c.revoked_at for c in pending))
        letter = IssuedLetter.objects.create(
            kind=LetterKind.REVOCATION, campaign=campaign, unit=unit, issued_by=actor, **values
        )
        RevocationNoticeEntry.objects.bulk_create(
            [_revocation_entry(letter, position, certificate) for position, certificate in enumerate(pending, start=1)]
        )
        numbers = "、".join(c.number for c in pending)
        audit(
            Event.ADMIN_CHANGE, user=actor, obj=letter,
            detail=f"发布撤销称号通报：{letter.document_number}，成文日期 {letter.dated:%Y-%m-%d}，列入 {len(pending)} 项（{numbers}）",
        )
    return letter


def _check_dated(dated, latest_revocation) -> None:
    """A 通报 is written after the revocations it announces."""
    if latest_revocation is None:
        return
    latest = timezone.localdate(latest_revocation) if isinstance(latest_revocation, dt.datetime) else latest_revocation
    if dated < latest:
        raise LetterRefused(f"成文日期不能早于所列撤销的日期（{chinese_date(latest)}）。")


def _revocation_entry(letter, position: int, certificate) -> RevocationNoticeEntry:
    enterprise = certificate.application.enterprise
    county = enterprise.county
    return RevocationNoticeEntry(
        letter=letter,
        certificate=certificate,
        position=position,
        enterprise_name=enterprise.name,
        city_name=(certificate.application.city or county).name,
        certificate_number=certificate.number,
        campaign_year=certificate.campaign.year,
        ground=certificate.get_revocation_ground_display() or "其他",
        reason=certificate.revoked_reason,
        basis=certificate.revoked_basis,
        revoked_on=timezone.localdate(certificate.revoked_at),
    )


def revocation_notice_correct(*, actor, letter_id: int, values: dict) -> IssuedLetter:
    """Correct the 发文字号, 成文日期, 抄送 or 联系人 of an issued 撤销称号通报; what it lists stays as issued."""
    if not actor.has_perm("review.issue_revocation_notices"):
        raise LetterRefused("只有省级审核员可以更正撤销称号通报。")
    with transaction.atomic():
        letter = IssuedLetter.objects.select_for_update().get(pk=letter_id, kind=LetterKind.REVOCATION)
        before = letter.document_number
        latest = letter.revocation_entries.order_by("-revoked_on").values_list("revoked_on", flat=True).first()
        _check_dated(values["dated"], latest)
        for name, value in values.items():
            setattr(letter, name, value)
        letter.issued_by = actor
        letter.save()
        audit(
            Event.ADMIN_CHANGE, user=actor, obj=letter,
            detail=f"更正撤销称号通报：{before} → {letter.document_number}，成文日期 {chinese_date(letter.dated)}",
        )
    return letter
