"""Writes for documents: the 生成证书 batch (queued, run by the task worker, progress on the row)."""

import datetime as dt
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from portal.audit.models import Event
from portal.audit.services import audit
from review.models import Certificate, CertificateBatch

from .certificates import certificates_for_rendering, render_certificates, seal_asset, write_certificates_zip

logger = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
# A batch still queued or running after this long lost its worker (a restart, a crash): it no longer blocks.
STALE_AFTER = dt.timedelta(hours=2)


class BatchRefused(Exception):
    """The batch cannot start; the message is for the user."""


def campaign_certificates(campaign):
    """The campaign's valid certificates in number order."""
    return certificates_for_rendering(
        Certificate.objects.filter(campaign=campaign, revoked_at__isnull=True).order_by("serial")
    )


def certificate_batch_start(*, campaign, actor) -> CertificateBatch:
    """Queue the generation of every valid certificate of `campaign`; one batch at a time per campaign."""
    from .tasks import generate_certificate_batch

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


def _update(batch_id, **fields):
    CertificateBatch.objects.filter(pk=batch_id).update(**fields)


def certificate_batch_run(*, batch_id: int) -> None:
    """Render the combined PDF, then each certificate into the ZIP; the row records progress and outcome."""
    claimed = CertificateBatch.objects.filter(pk=batch_id, status="queued").update(status="running", done=0)
    if not claimed:
        return  # already run (a retried task must not redo a finished batch)
    batch = CertificateBatch.objects.select_related("campaign").get(pk=batch_id)
    campaign = batch.campaign
    try:
        certificates = list(campaign_certificates(campaign))
        _update(batch_id, total=len(certificates))
        assets = seal_asset(campaign)
        stem = f"campaign{campaign.year}-batch{batch.pk}"
        with tempfile.TemporaryFile() as combined:
            render_certificates(certificates, campaign=campaign, target=combined, assets=assets)
            combined.seek(0)
            batch.combined_pdf.save(f"{stem}-combined.pdf", File(combined), save=False)

        def progress(done):
            if done % 5 == 0:  # a write every five pages is plenty for a progress bar
                _update(batch_id, done=done)

        with tempfile.TemporaryFile() as archive:
            write_certificates_zip(certificates, campaign=campaign, target=archive, assets=assets, progress=progress)
            archive.seek(0)
            batch.zip_file.save(f"{stem}-certificates.zip", File(archive), save=False)
        _update(
            batch_id, status="finished", done=len(certificates), finished_at=timezone.now(),
            combined_pdf=batch.combined_pdf.name, zip_file=batch.zip_file.name,
        )
    except Exception as error:
        logger.exception("certificate batch %s failed", batch_id)
        _update(batch_id, status="failed", error=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now())
        raise
