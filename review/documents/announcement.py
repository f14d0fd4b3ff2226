"""通报 as a PDF: the published list of awarded enterprises by city and cluster.

The list is review.selectors.published_applications, the same the public page shows. The page is public, so the
PDF is kept in private storage under a name derived from the list's content: later downloads read the stored file,
and any change to the list (a revoked certificate, a new publication) makes a new one, so it never goes stale.
"""

import hashlib
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from review.selectors import published_applications

from .pdf import render_pdf
from .selectors import chinese_date

ISSUING_BODY = "河北省中小企业局"


def announcement_context(campaign) -> dict:
    groups = []
    for application in published_applications(campaign):
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
    return _render(announcement_context(campaign))


def _render(context) -> bytes:
    return render_pdf(render_to_string("documents/pdf/announcement.html", context))


def _content_key(context) -> str:
    """A digest of everything the 通报 prints, so the stored file is keyed on the list, not on a moment."""
    campaign = context["campaign"]
    printed = [campaign.title, campaign.document_number, context["date"], context["groups"]]
    return hashlib.sha256(json.dumps(printed, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


def announcement_file(campaign):
    """The stored PDF of the list as it stands (rendered when the list changed); an open binary file."""
    context = announcement_context(campaign)
    name = f"announcements/campaign{campaign.year}-{_content_key(context)}.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(_render(context)))
    return default_storage.open(name, "rb")
