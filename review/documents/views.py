"""Downloads of generated documents and exports. Every per-application view starts from
applications_visible_to(user) (404 outside jurisdiction); 系统管理员 and 审计管理员 get none (403)."""

import io
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from applications.selectors import applications_visible_to
from portal.accounts.decorators import permission_required, public
from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Division, DivisionKind
from portal.directory.offices import office_of
from review.models import LetterKind
from review.selectors import (
    certificate_batches_visible_to,
    certificates_visible_to,
    figure_rows,
    published_applications,
    verdicts_for,
    verification_of,
)

from . import announcement, letters, paper, rendering, summary
from .dossier import BATCH_LIMIT, write_dossier, write_dossiers
from .excel import write_summary_workbook
from .forms import LetterIssueForm
from .selectors import (
    application_for_documents,
    campaign_for,
    certificate_by_token,
    certificate_of,
    revocation_notices,
    revocations_awaiting_notice,
    signed_document_check,
)
from .services import (
    BatchRefused,
    LetterRefused,
    certificate_batch_start,
    letter_issue,
    revocation_notice_correct,
    revocation_notice_issue,
)

ISSUE_FIELDS = ("document_number", "signer", "dated", "copy_to", "contact_name", "contact_phone")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(data_or_file, filename: str, content_type: str) -> FileResponse:
    handle = io.BytesIO(data_or_file) if isinstance(data_or_file, bytes) else data_or_file
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_download(request, pk, *, build, label: str, available=lambda application: True):
    application = application_for_documents(request.user, pk)
    if not available(application):
        raise Http404("该文件尚未生成。")
    data = build(application)
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=application, detail=f"下载{label}（PDF）")
    return _attachment(data, f"{application.enterprise.name}-{label}.pdf", "application/pdf")


@require_GET
@permission_required("review.download_document")
def report_pdf_download(request, pk):
    return _pdf_download(request, pk, build=rendering.report_pdf, label="申请报告")


@require_GET
@permission_required("review.download_document")
def form_pdf_download(request, pk):
    return _pdf_download(request, pk, build=rendering.form_pdf, label="推荐审核表")


@require_GET
@permission_required("review.download_document")
def receipt_pdf_download(request, pk):
    return _pdf_download(
        request, pk, build=rendering.receipt_pdf, label="提交回执",
        available=lambda application: bool(application.filing_number),
    )


@require_GET
@permission_required("review.download_document")
def verification_pdf_download(request, pk):
    return _pdf_download(
        request, pk, build=rendering.verification_pdf, label="县级核实情况证明",
        available=lambda application: verification_of(application) is not None,
    )


@require_GET
@permission_required("review.download_document")
def certificate_pdf_download(request, pk):
    return _pdf_download(
        request, pk, build=rendering.certificate_pdf, label="证书",
        available=lambda application: certificate_of(application) is not None,
    )


@require_GET
@permission_required("review.download_document")
def dossier(request, pk):
    application = application_for_documents(request.user, pk)
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    manifest = write_dossier(
        documents=rendering.application_documents(application), materials=application.materials.all(), target=archive
    )
    archive.seek(0)
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=application, detail=f"下载材料包（{len(manifest)} 个文件）")
    return _attachment(archive, f"{application.enterprise.name}-{application.campaign.year}年度申报材料包.zip", "application/zip")


class NothingTicked(Exception):
    """No row ticked, or more than a batch may hold: the list is shown again with the reason."""


def _selected_applications(request) -> list:
    """The applications ticked on a work list (?pk=…), each from the user's jurisdiction: one outside it, or an
    unknown one, answers 404 for the whole batch rather than being silently left out."""
    try:
        ids = list(dict.fromkeys(int(v) for v in request.GET.getlist("pk")))
    except ValueError:
        raise Http404("所选申报有误。") from None
    if not ids:
        raise NothingTicked("请先勾选要下载或打印的申报。")
    if len(ids) > BATCH_LIMIT:
        raise NothingTicked(f"每次最多选择 {BATCH_LIMIT} 件，请减少勾选后重试。")
    return [application_for_documents(request.user, pk) for pk in ids]


def _back_to_list(request, refusal):
    messages.error(request, str(refusal))
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(referer)
    return redirect("home")


@require_GET
@permission_required("review.use_review_pages")
def dossiers_zip(request):
    """The 材料包 of the ticked applications in one ZIP, written to a temporary file and streamed from it."""
    try:
        applications = _selected_applications(request)
    except NothingTicked as refusal:
        return _back_to_list(request, refusal)
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    count = write_dossiers(
        (
            (f"{n:02d}-{a.enterprise.name}-{a.campaign.year}年度申报材料包", rendering.application_documents(a), a.materials.all())
            for n, a in enumerate(applications, start=1)
        ),
        target=archive,
    )
    archive.seek(0)
    for application in applications:
        audit(Event.DOWNLOAD, user=request.user, request=request, obj=application, detail=f"批量下载材料包（共 {count} 件）")
    return _attachment(archive, f"申报材料包（{count} 件）.zip", "application/zip")


@require_GET
@permission_required("review.use_review_pages")
def print_applications(request):
    """The ticked applications on paper: each its figures (申报 against 核实) and its conditions, a page each."""
    try:
        applications = _selected_applications(request)
    except NothingTicked as refusal:
        return _back_to_list(request, refusal)
    sheets = []
    for application in applications:
        verification = verification_of(application)
        sheets.append(
            {
                "application": application,
                "verification": verification,
                "figures": figure_rows(application, verification),
                "verdicts": verdicts_for(application, verification),
            }
        )
    return render(request, "documents/print_applications.html", {"sheets": sheets})


@require_GET
@permission_required("review.download_document")
def paper_copy(request, pk):
    """纸质材料: the application's forms and materials as one bookmarked PDF with running page numbers."""
    application = application_for_documents(request.user, pk)
    data = paper.paper_copy_pdf(application)
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=application, detail="下载纸质材料合订本（PDF）")
    return _attachment(data, f"{application.enterprise.name}-{application.campaign.year}年度申报材料（纸质件）.pdf", "application/pdf")


@require_GET
@permission_required("review.use_city_pages")
def forwarded_bundle(request):
    """The city's recommended applications' paper copies in one PDF, in 汇总表 order."""
    campaign = _campaign_or_404(request)
    queryset = summary.recommended_queryset(
        visible=applications_visible_to(request.user), campaign=campaign, city_code=request.user.unit_id
    )
    applications = [application_for_documents(request.user, pk) for pk in queryset.values_list("pk", flat=True)]
    if not applications:
        raise Http404("本市尚无推荐上报的企业。")
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    count = paper.write_bundle(applications, archive)
    archive.seek(0)
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=campaign, detail=f"下载上报企业纸质材料（{count} 家）")
    name = f"{request.user.unit.name}{campaign.year}年度推荐企业申报材料（纸质件）.pdf"
    return _attachment(archive, name, "application/pdf")


def _campaign_or_404(request):
    campaign = campaign_for(request.GET.get("campaign"))
    if campaign is None:
        raise Http404("没有该申报批次。")
    return campaign


def _city_scope(request) -> str | None:
    """The city a request is about: a city official's own unit; for the province an optional ?city=."""
    if not request.user.has_perm("review.export_province_summary"):
        return request.user.unit_id
    code = request.GET.get("city", "").strip()
    if code and not Division.objects.city_level().filter(code=code).exists():
        raise Http404("没有该设区市。")
    return code or None


@require_GET
@permission_required("review.export_summary")
def summary_xlsx(request):
    """导出汇总表: the province's workbook (all cities, one sheet each) or one city's; a county has none."""
    campaign = _campaign_or_404(request)
    city_code = _city_scope(request)
    visible = applications_visible_to(request.user)
    queryset = summary.recommended_queryset(visible=visible, campaign=campaign, city_code=city_code)
    city = Division.objects.filter(code=city_code).first() if city_code else None
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
    result = write_summary_workbook(
        archive,
        rows=summary.summary_rows(queryset),
        plaques=summary.plaque_rows(visible=visible, campaign=campaign, city_code=city_code),
        unit=office_of(request.user.unit),
        on=timezone.localdate(),
        main_title=city.name if city else "全省汇总",
        split_by_city=city is None,
    )
    archive.seek(0)
    scope = city.name if city else "全省"
    audit(Event.EXPORT, user=request.user, request=request, obj=campaign, detail=f"导出汇总表（{scope}，{result.rows} 家）")
    return _attachment(archive, f"{campaign.year}年度河北省产业集群龙头企业汇总表（{scope}）.xlsx", XLSX)


def _issuing_unit(user, kind):
    """Who issues: a city official its city's 推荐文件, a province official the 通报."""
    if kind == LetterKind.RECOMMENDATION and user.has_perm("review.use_city_pages"):
        return user.unit
    if kind == LetterKind.ANNOUNCEMENT and user.has_perm("review.publish_results"):
        return get_object_or_404(Division, kind=DivisionKind.PROVINCE)
    if kind == LetterKind.REVOCATION and user.has_perm("review.issue_revocation_notices"):
        return get_object_or_404(Division, kind=DivisionKind.PROVINCE)
    raise PermissionDenied("您不能登记该公文。")


@require_http_methods(["GET", "POST"])
@permission_required("review.export_summary")
def letter_issue_page(request, kind):
    """发文登记: the issuing official enters 发文字号, 签发人 (上行文) and 成文日期; then downloads the 公文."""
    if kind not in LetterKind.values:
        raise Http404("没有该公文类别。")
    campaign = _campaign_or_404(request)
    unit = _issuing_unit(request.user, kind)
    if kind == LetterKind.REVOCATION:
        return _revocation_notice_page(request, campaign, unit)
    current = letters.issued_letter(kind, campaign, unit)
    upward = kind == LetterKind.RECOMMENDATION
    initial = {"dated": timezone.localdate(), "contact_phone": unit.office_phone}
    if current is not None:
        initial = {name: getattr(current, name) for name in ISSUE_FIELDS}
    form = LetterIssueForm(request.POST or None, initial=initial, signer_required=upward)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data.get(name, "") for name in ISSUE_FIELDS}
            letter_issue(actor=request.user, kind=kind, campaign=campaign, unit=unit, values=values)
            messages.success(request, f"{LetterKind(kind).label}已登记：{values['document_number']}。")
            return redirect(f"{reverse('documents:letter_issue', args=[kind])}?campaign={campaign.year}")
        messages.error(request, "发文信息有误，请按提示修改。")
        status = 400
    context = {
        "campaign": campaign, "kind": kind, "label": LetterKind(kind).label, "form": form, "current": current,
        "issuer": office_of(unit), "upward": upward,
    }
    if upward:
        context["count"] = summary.recommended_queryset(
            visible=applications_visible_to(request.user), campaign=campaign, city_code=unit.code
        ).count()
    else:
        context["count"] = published_applications(campaign).count()
        context["published"] = campaign.results_published_at is not None
    return render(request, "documents/letter_issue.html", context, status=status)


def _revocation_notice_page(request, campaign, unit):
    """撤销称号通报: a new one lists the revocations not announced yet; ?letter= corrects an issued one's head."""
    notices = list(revocation_notices())
    letter_id = request.GET.get("letter", "")
    current = next((n for n in notices if str(n.pk) == letter_id), None) if letter_id else None
    if letter_id and current is None:
        raise Http404("没有该撤销称号通报。")
    pending = list(revocations_awaiting_notice(request.user))
    initial = {"dated": timezone.localdate(), "contact_phone": unit.office_phone}
    if current is not None:
        initial = {name: getattr(current, name) for name in ISSUE_FIELDS}
    form = LetterIssueForm(request.POST or None, initial=initial, example=f"冀中小企〔{timezone.localdate().year}〕12号")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data.get(name, "") for name in ISSUE_FIELDS}
            try:
                if current is not None:
                    revocation_notice_correct(actor=request.user, letter_id=current.pk, values=values)
                else:
                    revocation_notice_issue(actor=request.user, campaign=campaign, unit=unit, values=values)
            except LetterRefused as refusal:
                messages.error(request, str(refusal))
            else:
                done = "已更正" if current is not None else "已发布"
                messages.success(request, f"撤销称号通报{done}：{values['document_number']}。")
                return redirect(f"{reverse('documents:letter_issue', args=[LetterKind.REVOCATION])}?campaign={campaign.year}")
        else:
            messages.error(request, "发文信息有误，请按提示修改。")
            status = 400
    context = {
        "campaign": campaign, "form": form, "current": current, "issuer": office_of(unit),
        "pending": pending, "notices": notices,
    }
    return render(request, "documents/revocation_notice_issue.html", context, status=status)


@require_GET
@permission_required("review.issue_revocation_notices")
def revocation_notice_pdf(request, pk):
    """An issued 撤销称号通报 (PDF): what it listed when it was issued."""
    issued = get_object_or_404(revocation_notices().select_related("unit", "campaign"), pk=pk)
    data = letters.revocation_pdf(issued)
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=issued, detail=f"下载撤销称号通报（{issued.document_number}）")
    return _attachment(data, f"撤销称号通报（{issued.document_number}）.pdf", "application/pdf")


@require_GET
@permission_required("review.export_summary")
def recommendation_letter_download(request):
    """The city's 推荐文件 (PDF, or ?format=txt) once issued; the province names the city with ?city=."""
    campaign = _campaign_or_404(request)
    city_code = _city_scope(request)
    if not city_code:
        raise Http404("请选择设区市。")
    city = get_object_or_404(Division, code=city_code)
    issued = letters.issued_letter(LetterKind.RECOMMENDATION, campaign, city)
    if issued is None:
        raise Http404("该市尚未登记推荐文件的发文字号、签发人和成文日期。")
    letter = letters.recommendation_letter(
        visible=applications_visible_to(request.user), campaign=campaign, city=city, issued=issued
    )
    as_text = request.GET.get("format") == "txt"
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=campaign, detail=f"下载推荐文件（{city.name}，{'文本' if as_text else 'PDF'}）")
    name = f"{city.name}关于推荐{campaign.year}年度河北省产业集群龙头企业的报告"
    if as_text:
        return _attachment(letters.letter_text(letter).encode("utf-8"), f"{name}.txt", "text/plain; charset=utf-8")
    return _attachment(letters.letter_pdf(letter), f"{name}.pdf", "application/pdf")


@require_GET
@public
def announcement_pdf_download(request, year):
    """The published 通报 as a PDF: public, like the list it prints; rendered once per publication."""
    campaign = campaign_for(str(year))
    if campaign is None or campaign.results_published_at is None:
        raise Http404("该批次的认定结果尚未通报公布。")
    issued = announcement.issued_announcement(campaign)
    if issued is None:
        raise Http404("该批次的通报尚未发文。")
    handle = announcement.announcement_file(campaign, issued)
    audit(Event.DOWNLOAD, request=request, obj=campaign, detail="下载通报（PDF）", username="（公众）")
    return _attachment(handle, f"{campaign.year}年度河北省产业集群龙头企业认定通报.pdf", "application/pdf")


@require_http_methods(["GET", "POST"])
@permission_required("review.manage_certificate_batches")
def certificate_batch(request):
    """生成证书: start a batch for the campaign and follow its progress."""
    campaign = _campaign_or_404(request)
    if request.method == "POST":
        try:
            certificate_batch_start(campaign=campaign, actor=request.user)
        except BatchRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "已开始生成证书，完成后可在本页下载。")
        return redirect(f"{reverse('documents:certificate_batch')}?campaign={campaign.year}")
    batches = list(certificate_batches_visible_to(request.user).filter(campaign=campaign).select_related("requested_by")[:10])
    active = next((b for b in batches if b.status in ("queued", "running")), None)
    return render(
        request,
        "documents/certificate_batch.html",
        {
            "campaign": campaign,
            "certificate_count": certificates_visible_to(request.user).filter(campaign=campaign).valid().count(),
            "batches": batches,
            "active": active,
        },
    )


def _batch(request, pk):
    return get_object_or_404(certificate_batches_visible_to(request.user).select_related("campaign"), pk=pk)


@require_GET
@permission_required("review.manage_certificate_batches")
def certificate_batch_status(request, pk):
    batch = _batch(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "done": batch.done,
            "total": batch.total,
            "finished": batch.status in ("finished", "failed"),
        }
    )


@require_GET
@permission_required("review.manage_certificate_batches")
def certificate_batch_file(request, pk, kind):
    batch = _batch(request, pk)
    field = {"pdf": batch.combined_pdf, "zip": batch.zip_file}.get(kind)
    if batch.status != "finished" or not field:
        raise Http404("文件尚未生成。")
    label = "证书合订本" if kind == "pdf" else "证书（逐份）"
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=batch, detail=f"下载{label}")
    content_type = "application/pdf" if kind == "pdf" else "application/zip"
    return _attachment(field.open("rb"), f"{batch.campaign.year}年度龙头企业{label}.{kind}", content_type)


@require_GET
@public
def verify_certificate(request, token):
    """Public: is this certificate genuine, and is it still valid? Nothing at all for an unknown token."""
    certificate = certificate_by_token(token)
    if certificate is None:
        return render(request, "documents/verify_unknown.html", {"what": "证书"}, status=404)
    return render(request, "documents/verify_certificate.html", {"certificate": certificate})


@require_GET
@public
def verify_document(request, sha256):
    """Public: was a document with this fingerprint signed off? Only the enterprise and the dates."""
    check = signed_document_check(sha256.lower())
    if check is None:
        return render(request, "documents/verify_unknown.html", {"what": "签署记录"}, status=404)
    return render(request, "documents/verify_document.html", {"check": check, "sha256": sha256.lower()})

