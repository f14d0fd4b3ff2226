"""通报 as a PDF: the published list of awarded enterprises by city and cluster.

The page is public, so the PDF is rendered once per publication and kept in private storage; later
downloads read the stored file instead of rendering again.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from .pdf import render_pdf
from .selectors import awarded_applications, chinese_date

ISSUING_BODY = "河北省中小企业局"


def announcement_context(campaign) -> dict:
    groups = []
    for application in awarded_applications(campaign):
        county = application.enterprise.county
        city = (county.reviewing_city or county).name
        if not groups or groups[-1]["city"] != city:
            groups.append({"city": city, "rows": []})
        groups[-1]["rows"].append(
            {
                "number": application.certificate.number,
                "enterprise": application.enterprise.name,
                "cluster": application.cluster.name,
                "county": county.name,
            }
        )
    return {
        "campaign": campaign,
        "groups": groups,
        "count": sum(len(g["rows"]) for g in groups),
        "issuing_body": ISSUING_BODY,
        "date": chinese_date(timezone.localdate(campaign.results_published_at)),
    }


def announcement_pdf(campaign) -> bytes:
    return render_pdf(render_to_string("documents/pdf/announcement.html", announcement_context(campaign)))


def announcement_file(campaign):
    """The stored PDF of the current publication (rendered on first request); an open binary file."""
    published = timezone.localtime(campaign.results_published_at)
    name = f"announcements/campaign{campaign.year}-{published:%Y%m%d%H%M%S}.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(announcement_pdf(campaign)))
    return default_storage.open(name, "rb")
