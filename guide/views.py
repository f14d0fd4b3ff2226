"""The public front door: 办事指南 (what the title is, who may apply, conditions, materials, process, contacts,
FAQ), the notice's text and the templates to download. Signed-in users keep their role's home at `/`."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from applications.eligibility import CONDITIONS
from applications.models import MaterialKind
from guide import documents
from guide.content import FAQ, REPORT_OUTLINE, notice, wording_version
from portal.accounts.decorators import public
from portal.accounts.navigation import ROLE_HOME
from portal.directory.models import Campaign, DeadlineLevel, Division


@public
def front(request):
    """`/`: the role's home for a signed-in user, the 办事指南 for everyone else."""
    if request.user.is_authenticated:
        return redirect(ROLE_HOME[request.user.role])
    return guide(request)


@public
def guide(request):
    campaign = Campaign.current()
    contacts, passed = [], {}
    if campaign is not None:
        passed = {level: campaign.deadline_passed(level) for level in DeadlineLevel.values}
        contacts = (
            Division.objects.filter(clusters__in=campaign.eligible_clusters())
            .distinct()
            .select_related("parent")
            .order_by("code")
        )
    text = notice()
    return render(
        request,
        "guide/front.html",
        {
            "campaign": campaign,
            "passed": passed,  # {level: whether that deadline has passed}: a passed one reads 「已截止」
            "notice": text,
            "scope": text.section("一、"),
            "conditions_text": text.section("二、"),
            "conditions": CONDITIONS,
            "report_outline": REPORT_OUTLINE,
            "uploads": list(MaterialKind),
            "contacts": contacts,
            "faq": FAQ,
            "templates": documents.TEMPLATES,
            "wording_version": wording_version(),
        },
    )


@public
def notice_page(request):
    return render(request, "guide/notice.html", {"notice": notice()})


@public
def template_download(request, name: str, extension: str):
    if name not in documents.TEMPLATES or extension not in ("docx", "pdf"):
        raise Http404("没有该模板。")
    if extension == "docx":
        body, content_type = documents.template_docx(name), documents.DOCX
    else:
        body, content_type = documents.template_pdf(name), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    filename = f"{documents.TEMPLATES[name]}.{extension}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
