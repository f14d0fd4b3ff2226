"""Writes for documents: starting the 生成证书 batch (queued; `batch.py` does the work in the task worker)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.audit.models import Event
from portal.audit.services import audit
from review.models import CertificateBatch, IssuedLetter

from .certificates import campaign_certificates
from .tasks import generate_certificate_batch

ACTIVE = ("queued", "running")
# A batch still queued or running after this long lost its worker (a restart, a crash): it no longer blocks.
STALE_AFTER = dt.timedelta(hours=2)


class BatchRefused(Exception):
    """The batch cannot start; the message is for the user."""


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
