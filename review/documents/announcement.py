"""通报 as a PDF (the 公文 itself is laid out in letters.py): the published list of awarded enterprises.

The list is review.selectors.published_applications, the same the public page shows. The page is public, so the
PDF is kept in private storage under a name derived from what it prints (the list and the issued letter): later
downloads read the stored file, and any change (a revoked certificate, a new publication, a corrected 发文字号)
makes a new one, so it never goes stale.
"""

import hashlib
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.directory.models import Division, DivisionKind

from .letters import ANNOUNCEMENT, announcement_context, issued_letter, render_announcement


def issued_announcement(campaign):
    """The province's issued 通报 of `campaign`, or None while the 发文字号 has not been entered."""
    province = Division.objects.filter(kind=DivisionKind.PROVINCE).first()
    return issued_letter(ANNOUNCEMENT, campaign, province) if province else None


def _content_key(context) -> str:
    """A digest of everything the 通报 prints, so the stored file is keyed on its content, not on a moment."""
    campaign, head = context["campaign"], context["head"]
    printed = [campaign.title, campaign.document_number, list(head.__dict__.values()), context["groups"], context["validity"]]
    return hashlib.sha256(json.dumps(printed, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:32]


def announcement_file(campaign, issued):
    """The stored PDF of the 通报 as it stands (rendered when what it prints changed); an open binary file."""
    context = announcement_context(campaign, issued)
    name = f"announcements/campaign{campaign.year}-{_content_key(context)}.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(render_announcement(campaign, context)))
    return default_storage.open(name, "rb")
