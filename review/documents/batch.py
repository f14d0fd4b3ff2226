"""The 生成证书 batch itself, run by the task worker: renders, stores the files, records progress on the row."""

import logging
import tempfile

from django.core.files import File
from django.utils import timezone

from review.models import CertificateBatch

from .certificates import campaign_certificates, render_certificates, seal_asset, write_certificates_zip

logger = logging.getLogger(__name__)


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
