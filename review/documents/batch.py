"""The 生成证书 batch itself, run by the task worker: renders, stores the files, records progress on the row.

Each certificate is rendered once, on its own: its PDF goes into the ZIP and is appended to the combined PDF, and
`done` is saved after every certificate, so the status page moves certificate by certificate.
"""

import io
import logging
import tempfile

import pikepdf
from django.core.files import File
from django.utils import timezone

from review.models import CertificateBatch

from .certificates import campaign_certificates, write_certificates_zip

logger = logging.getLogger(__name__)


def _update(batch_id, **fields):
    CertificateBatch.objects.filter(pk=batch_id).update(**fields)


def _render_each(batch_id, certificates, *, campaign, archive, combined: pikepdf.Pdf) -> list[pikepdf.Pdf]:
    def one_done(done, data):
        single = pikepdf.open(io.BytesIO(data))
        sources.append(single)  # pikepdf copies page streams when `combined` is saved: the sources stay open
        combined.pages.extend(single.pages)
        _update(batch_id, done=done)

    sources = []
    write_certificates_zip(certificates, campaign=campaign, target=archive, progress=one_done)
    return sources


def certificate_batch_run(*, batch_id: int) -> None:
    """Render every certificate into the ZIP and the combined PDF; the row records progress and outcome."""
    claimed = CertificateBatch.objects.filter(pk=batch_id, status="queued").update(status="running", done=0)
    if not claimed:
        return  # already run (a retried task must not redo a finished batch)
    batch = CertificateBatch.objects.select_related("campaign").get(pk=batch_id)
    campaign = batch.campaign
    try:
        certificates = list(campaign_certificates(campaign))
        _update(batch_id, total=len(certificates))
        stem = f"campaign{campaign.year}-batch{batch.pk}"
        with tempfile.TemporaryFile() as archive, tempfile.TemporaryFile() as combined_file, pikepdf.new() as combined:
            sources = _render_each(batch_id, certificates, campaign=campaign, archive=archive, combined=combined)
            combined.save(combined_file)
            for source in sources:
                source.close()
            combined_file.seek(0)
            batch.combined_pdf.save(f"{stem}-combined.pdf", File(combined_file), save=False)
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
