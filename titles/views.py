"""Pages of the title after the meeting: the public 公示 and objection form, the province's handling."""

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from applications.models import Application
from portal.accounts.decorators import permission_required, public
from portal.accounts.throttle import throttle_hit
from portal.audit.models import Event
from portal.audit.services import audit, client_address
from portal.dates import chinese_date
from portal.directory.models import Campaign
from portal.pagination import ByIds
from review import selectors as review_selectors
from review.documents.selectors import revocations_awaiting_notice
from review.models import CertificateStatus, Meeting
from review.services import Refused
from review.workflow import renewal_problem
from titles import dashboard, selectors, services
from titles.forms import (
    MonitoringConfirmForm,
    MonitoringForm,
    ObjectionForm,
    ObjectionHandleForm,
    PublicityForm,
    ReissueForm,
    RevokeForm,
)
from titles.models import MonitoringReport

OBJECTIONS_PER_ADDRESS_PER_HOUR = 5
RECEIPT_SALT = "titles.objection-receipt"


# Public ----------------------------------------------------------------------------------------------------------


@public
def publicity_public(request):
    """拟认定名单公示: every list with its period; objections may be lodged while one runs."""
    now = timezone.now()
    publicities = list(selectors.publicities_public(request.user))
    return render(request, "titles/publicity_public.html", {"publicities": publicities, "now": now})


@public
def objection_lodge_view(request, pk):
    publicity = get_object_or_404(selectors.publicities_visible_to(request.user).select_related("campaign"), pk=pk)
    if not publicity.is_running():
        return render(request, "titles/objection_closed.html", {"publicity": publicity}, status=410)
    entries = list(selectors.publicity_entries(publicity))
    form = ObjectionForm(request.POST or None, request.FILES or None, entries=entries)
    status = 200
    if request.method == "POST":
        address = client_address(request) or "unknown"
        if not throttle_hit(scope="objection", key=address, limit=OBJECTIONS_PER_ADDRESS_PER_HOUR, window_seconds=3600):
            form.add_error(None, "您提交异议过于频繁，请一小时后再试；也可来电或来函提出异议。")
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                objection = services.objection_lodge(
                    entry_id=data["entry"], name=data["name"], phone=data["phone"], email=data["email"],
                    content=data["content"], evidence=data["evidence"], address=client_address(request),
                )
            except Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("titles:objection_received", receipt=signing.dumps(objection.reference, salt=RECEIPT_SALT))
        if form.errors and status == 200:
            status = 400
    return render(request, "titles/objection_form.html", {"publicity": publicity, "form": form}, status=status)


@public
def objection_received(request, receipt):
    try:
        reference = signing.loads(receipt, salt=RECEIPT_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise Http404("回执无效或已过期。") from None
    objection = selectors.objection_by_receipt(reference)
    if objection is None:
        raise Http404("没有该异议。")
    return render(request, "titles/objection_received.html", {"objection": objection})


# Province --------------------------------------------------------------------------------------------------------


@permission_required("titles.manage_publicity")
def publicity_manage(request):
    campaign = review_selectors.campaign_in_view(request.GET.get("year"))
    if campaign is None:
        raise Http404("没有申报批次。")
    form = PublicityForm(request.POST or None)
    if request.method == "POST":
        meeting_id = request.POST.get("meeting")
        if form.is_valid() and meeting_id and meeting_id.isdigit():
            try:
                publicity = services.publicity_publish(
                    actor=request.user, meeting_id=int(meeting_id),
                    starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"],
                )
            except Meeting.DoesNotExist:
                raise Http404("没有该会议。") from None
            except Refused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    f"已发布拟认定名单公示（{chinese_date(publicity.starts_on)}至{chinese_date(publicity.ends_on)}）。",
                )
                return redirect("titles:publicity_detail", pk=publicity.pk)
        else:
            messages.error(request, "公示日期有误，请按提示修改。")
    context = {
        "campaign": campaign,
        "form": form,
        "awaiting": selectors.meetings_awaiting_publicity(request.user, campaign),
        "publicities": selectors.publicities_for_province(request.user, campaign),
    }
    return render(request, "titles/publicity_manage.html", context)


@permission_required("titles.manage_publicity")
def publicity_detail(request, pk):
    publicity = get_object_or_404(
        selectors.publicities_visible_to(request.user).select_related("campaign", "meeting"), pk=pk
    )
    context = {
        "publicity": publicity,
        "entries": selectors.publicity_entries(publicity),
        "objections": selectors.objections_of(request.user, publicity),
    }
    return render(request, "titles/publicity_detail.html", context)


@permission_required("titles.manage_publicity")
@require_POST
def objection_handle_view(request, pk):
    objection = get_object_or_404(selectors.objections_visible_to(request.user).select_related("entry"), pk=pk)
    form = ObjectionHandleForm(request.POST)
    if form.is_valid():
        try:
            services.objection_handle(
                actor=request.user, objection_id=objection.pk,
                outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
            )
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"异议 {objection.reference} 已处理。")
    else:
        messages.error(request, "请选择处理结果并填写处理意见。")
    return redirect("titles:publicity_detail", pk=objection.entry.publicity_id)


@permission_required("titles.manage_publicity")
def objection_evidence(request, pk):
    objection = get_object_or_404(selectors.objections_visible_to(request.user), pk=pk)
    if not objection.evidence:
        raise Http404("没有证明材料。")
    audit(Event.DOWNLOAD, user=request.user, obj=objection, detail="下载异议证明材料")
    response = FileResponse(objection.evidence.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(objection.evidence_name)}"
    return response


# 年度运行监测 ------------------------------------------------------------------------------------------------------

MONITORING_PAGE_SIZE = 50


@permission_required("titles.hold_titles")
def my_titles(request):
    """我的称号: each title's status and validity, 复核 when it nears its end, and the yearly monitoring report."""
    year = services.monitoring_year()
    campaign = Campaign.current()
    if request.method == "POST" and request.POST.get("renew"):
        return _start_renewal(request, campaign)
    titles = list(selectors.titles_of_enterprise(request.user))
    reports = {r.application_id: r for r in selectors.monitoring_reports_visible_to(request.user).filter(year=year)}
    renewals = selectors.renewals_of(request.user)
    bound_pk = request.POST.get("application") if request.method == "POST" else None
    items = []
    for title in titles:
        report, form = reports.get(title.pk), None
        if selectors.reports_due(title, year):
            bound = bound_pk == str(title.pk)
            initial = {} if report else _monitoring_initial(title)
            form = MonitoringForm(request.POST if bound else None, instance=report, initial=initial, prefix=f"m{title.pk}")
            if bound and form.is_valid():
                try:
                    services.monitoring_submit(
                        actor=request.user, application_id=title.pk, year=year,
                        figures={n: form.cleaned_data[n] for n in services.MONITORED_FIGURES},
                        narrative=form.cleaned_data["narrative"],
                    )
                except Refused as refusal:
                    messages.error(request, str(refusal))
                else:
                    messages.success(request, f"{year}年度运行监测数据已报送，待县级主管部门确认。")
                    return redirect("titles:my_titles")
            elif bound:
                messages.error(request, "有内容需要修改，请查看标红的项目。")
        items.append({
            "title": title, "report": report, "form": form, "renewal": renewals.get(title.pk),
            "renewal_blocker": renewal_problem(title, campaign),
        })
    return render(request, "titles/my_titles.html", {"year": year, "items": items, "campaign": campaign})


def _start_renewal(request, campaign):
    title_id = request.POST.get("renew", "")
    if not title_id.isdigit():
        raise Http404("没有该称号。")
    try:
        application = services.renewal_start(actor=request.user, title_id=int(title_id), campaign=campaign)
    except Application.DoesNotExist:
        raise Http404("没有该称号。") from None
    except Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("titles:my_titles")
    messages.success(request, "已按原申报内容生成复核申请，请核对更新各项数据、重新上传材料后提交。")
    return redirect("applications:detail", application.pk)


def _monitoring_initial(holder):
    """Prefill a first report with the figures of the application that won the title."""
    return {
        "revenue": holder.revenue, "tax_total": holder.tax_total, "total_assets": holder.total_assets,
        "owners_equity": holder.owners_equity, "rd_spend": holder.rd_spend,
    }


@permission_required("titles.confirm_monitoring")
def monitoring_county(request):
    year = services.monitoring_year()
    if request.method == "POST":
        form = MonitoringConfirmForm(request.POST)
        report_id = request.POST.get("report", "")
        if form.is_valid() and report_id.isdigit():
            try:
                services.monitoring_confirm(actor=request.user, report_id=int(report_id), note=form.cleaned_data["note"])
            except MonitoringReport.DoesNotExist:
                raise Http404("没有该报告。") from None
            except Refused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, "已确认。")
        return redirect("titles:monitoring_county")
    rows = selectors.monitoring_rows(request.user, year)
    page = Paginator(rows, MONITORING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "titles/monitoring_county.html", {"year": year, "page": page})


@permission_required("titles.follow_monitoring")
def monitoring_province(request):
    year = services.monitoring_year()
    if request.method == "POST":
        count = services.monitoring_remind(actor=request.user, year=year)
        messages.success(request, f"已向 {count} 家未报送的企业发送催报通知。")
        return redirect("titles:monitoring_province")
    show = request.GET.get("show", "")
    rows = selectors.monitoring_rows(
        request.user, year, only_failing=show == "failing", only_missing=show == "missing"
    )
    page = Paginator(rows, MONITORING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "titles/monitoring_province.html", {"year": year, "page": page, "show": show})


# 省级统计 --------------------------------------------------------------------------------------------------------


@permission_required("titles.view_dashboard")
def province_dashboard_view(request):
    campaign = review_selectors.campaign_in_view(request.GET.get("year"))
    context = dict(dashboard.cached_province_dashboard(request.user, campaign, refresh="refresh" in request.GET))
    context["campaign"] = campaign
    context["charts_json"] = [chart.as_json() for chart in context["charts"]]
    return render(request, "titles/dashboard.html", context)


# 证书管理：撤销与换发 ----------------------------------------------------------------------------------------------


@permission_required("titles.manage_certificates")
def certificates(request):
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()[:60]
    rows = selectors.certificates_for_province(request.user, status=status, q=q)
    page = Paginator(ByIds(rows), MONITORING_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "titles/certificates.html",
        {
            "page": page, "status": status, "q": q, "query": query.urlencode(), "statuses": CertificateStatus.choices,
            "unannounced": revocations_awaiting_notice(request.user).count(),
        },
    )


@permission_required("titles.manage_certificates")
def certificate_detail(request, pk):
    certificate = get_object_or_404(
        review_selectors.certificates_visible_to(request.user).select_related(
            "issued_for__enterprise", "issued_for__cluster", "campaign", "replaced_by", "revoked_by",
            "revocation_notice_entry__letter",
        ),
        pk=pk,
    )
    revoke_form, reissue_form = RevokeForm(prefix="revoke"), ReissueForm(prefix="reissue")
    if request.method == "POST":
        kind = request.POST.get("kind")
        form = RevokeForm(request.POST, prefix="revoke") if kind == "revoke" else ReissueForm(request.POST, prefix="reissue")
        if form.is_valid():
            try:
                if kind == "revoke":
                    services.title_revoke(
                        actor=request.user, certificate_id=certificate.pk,
                        ground=form.cleaned_data["ground"], basis=form.cleaned_data["basis"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, f"已撤销证书 {certificate.number} 对应的称号，并通知企业和县、市主管部门。")
                    return redirect("titles:certificate_detail", pk=certificate.pk)
                new = services.title_reissue(actor=request.user, certificate_id=certificate.pk, reason=form.cleaned_data["reason"])
                messages.success(request, f"已换发新证书 {new.number}。")
                return redirect("titles:certificate_detail", pk=new.pk)
            except Refused as refusal:
                messages.error(request, str(refusal))
        else:
            messages.error(request, "有内容需要修改，请查看标红的项目。")
        if kind == "revoke":
            revoke_form = form
        else:
            reissue_form = form
    history = (
        review_selectors.certificates_visible_to(request.user)
        .filter(issued_for=certificate.issued_for)
        .order_by("reissue_index")
    )
    return render(
        request, "titles/certificate_detail.html",
        {"certificate": certificate, "revoke_form": revoke_form, "reissue_form": reissue_form, "history": history},
    )
