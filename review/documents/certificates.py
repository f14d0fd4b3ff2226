"""Certificates (PROCESS.md §6): A4 landscape, a QR code to the public verification page, the campaign's seal.

Many certificates are rendered as one HTML document with page breaks (≈20 ms a page instead of ≈105 ms
for a document of its own); individual PDFs are rendered one at a time and written straight into a ZIP.
"""

import re
import zipfile
from collections.abc import Iterable

from django.urls import reverse

from portal.directory.offices import province_office
from review.models import Certificate, CertificateStatus, validity_end

from .formatting import quoted
from .pdf import qr_data_uri, render_template_pdf
from .selectors import public_url

TITLE = "河北省产业集群龙头企业"
DIGITS = "〇一二三四五六七八九"
SEAL_ASSET = "seal"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
MAX_SEAL_BYTES = 2 * 1024 * 1024
UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def chinese_number(n: int) -> str:
    """1..31 as written on certificates: 五, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    text = ("" if tens <= 1 else DIGITS[tens]) + ("十" if tens else "")
    return text + (DIGITS[ones] if ones or not tens else "")


def certificate_date(day) -> str:
    """二〇二四年十一月五日."""
    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


# The enterprise name takes at most two lines of the certificate's text column (211 mm); longer names
# print smaller. Up to 50 characters fit in two lines at 18 pt.
NAME_SIZES = ((16, 24), (24, 21), (34, 18), (50, 18))


def name_size(name: str) -> int:
    """Font size (pt) of the enterprise name on the certificate."""
    for longest, size in NAME_SIZES:
        if len(name) <= longest:
            return size
    return 15


def seal_mime_type(data: bytes) -> str | None:
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    return None


def seal_asset(campaign) -> dict[str, tuple[bytes, str]]:
    """The uploaded seal as a render asset, or nothing: then nothing is printed there (room for a hand stamp)."""
    if not campaign.seal_image:
        return {}
    try:
        with campaign.seal_image.open("rb") as handle:
            data = handle.read(MAX_SEAL_BYTES + 1)
    except OSError:
        return {}
    mime_type = seal_mime_type(data)
    if mime_type is None or len(data) > MAX_SEAL_BYTES:
        return {}  # never print something that is not a checked PNG/JPEG as a seal
    return {SEAL_ASSET: (data, mime_type)}


def verification_url(certificate: Certificate) -> str:
    return public_url(reverse("verify", args=[certificate.token]))


def certificate_page(certificate: Certificate) -> dict:
    application = certificate.issued_for  # a re-issued certificate's old copy still prints its own data
    return {
        "number": certificate.number,
        "enterprise": application.enterprise.name,
        "name_size": name_size(application.enterprise.name),
        "credit_code": application.enterprise.credit_code,
        "cluster": application.cluster.name,
        "year": certificate.campaign.year,
        "issued_on": certificate_date(certificate.issued_on),
        "valid_until": certificate_date(
            certificate.expires_on or validity_end(certificate.issued_on, certificate.campaign.title_validity_years)
        ),
        "revoked": certificate.status() == CertificateStatus.REVOKED,
        "verification_url": verification_url(certificate),
        "qr": qr_data_uri(verification_url(certificate), scale=4),
    }


def certificates_for_rendering(queryset):
    return queryset.select_related("issued_for__enterprise", "issued_for__cluster", "campaign")


def campaign_certificates(campaign):
    """The campaign's valid certificates (`CertificateQuerySet.valid`: a revoked or replaced one is not printed,
    its replacement is) in number order."""
    return certificates_for_rendering(
        Certificate.objects.filter(campaign=campaign).valid().order_by("serial", "reissue_index")
    )


def render_certificates(certificates: Iterable[Certificate], *, campaign, target=None, assets=None):
    """One PDF with one page per certificate (PDF bytes, or None when written into `target`)."""
    if assets is None:
        assets = seal_asset(campaign)
    pages = [certificate_page(c) for c in certificates]
    context = {
        "pages": pages, "has_seal": SEAL_ASSET in assets, "issuing_body": province_office(), "title": TITLE,
        "title_quoted": quoted(TITLE),
    }
    return render_template_pdf("documents/pdf/certificates.html", context, target=target, assets=assets)


def certificate_filename(certificate: Certificate) -> str:
    name = UNSAFE_FILENAME.sub("", f"{certificate.number}-{certificate.issued_for.enterprise.name}")
    return f"{name}.pdf"


def write_certificates_zip(certificates: list[Certificate], *, campaign, target, assets=None, progress=None) -> int:
    """Each certificate as its own PDF inside a ZIP written to `target`; calls progress(done, pdf_bytes) after
    each one (the batch appends the page to its combined PDF and saves its progress there)."""
    if assets is None:
        assets = seal_asset(campaign)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, certificate in enumerate(certificates, start=1):
            data = render_certificates([certificate], campaign=campaign, assets=assets)
            archive.writestr(certificate_filename(certificate), data)
            if progress is not None:
                progress(done, data)
    return len(certificates)
