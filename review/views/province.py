"""省级审核员: the overview, the list, 抽查, 会议研究, 认定, 通报公布 and deadline extensions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from applications.models import State
from applications.selectors import applications_visible_to
from portal.accounts.decorators import permission_required
from portal.audit.models import Event
from portal.audit.services import audit
from portal.dates import chinese_date
from portal.directory.models import Campaign, DeadlineLevel
from review import selectors
from review.forms import (
    DeadlineExtensionForm,
    MeetingDecisionForm,
    MeetingForm,
    ProvinceFilterForm,
    SpotCheckDrawForm,
    SpotCheckResultForm,
)
from review.models import SpotCheck
from review.services import (
    ActionForbidden,
    Refused,
    TransitionRefused,
    campaign_extend_deadline,
    campaign_publish_results,
    meeting_award,
    meeting_close,
    meeting_create,
    meeting_save_decisions,
    spot_check_draw,
    spot_check_record,
    spot_check_replay,
)
from review.views import worklist
from review.views.common import safe_next

MEETINGS_PAGE_SIZE = 20


def _campaign(request):
    campaign = selectors.campaign_in_view(request.GET.get("year") or request.POST.get("year"))
    if campaign is None:
        raise Http404("没有申报批次。")
    return campaign


@permission_required("review.use_province_pages")
def province_home(request):
    user, campaign = request.user, selectors.campaign_in_view(request.GET.get("year"))
    context = {"campaign": campaign, "state_counts": selectors.state_counts(user, campaign), "next_steps": []}
    if campaign is not None:
        county = selectors.deadline_countdown(campaign, "county")
        city = selectors.deadline_countdown(campaign, "city")
        unpublished = selectors.awarded_unpublished_count(campaign)
        context.update(
            next_steps=_province_steps(user, campaign, county, city, unpublished),
            county_countdown=county,
            city_countdown=city,
            by_city=selectors.province_stats_by_city(user, campaign),
            by_cluster=selectors.province_stats_by_cluster(user, campaign),
            unpublished=unpublished,
            enterprise_countdown=selectors.deadline_countdown(campaign, "enterprise"),
        )
    return render(request, "review/province_home.html", context)


def _province_steps(user, campaign, county, city, unpublished):
    """The province's next steps, most urgent first."""
    steps = []
    late_county = selectors.count_in(user, campaign, State.COUNTY_REVIEW) if county.passed else 0
    late_city = selectors.count_in(user, campaign, State.CITY_REVIEW) if city.passed else 0
    if late_county or late_city:
        steps.append(
            ("danger", f"超过截止时间仍未办理：县级 {late_county} 件、市级 {late_city} 件。如需延期，请延长截止日期。",
             reverse("review:extend_deadline"))
        )
    pending = selectors.count_in(user, campaign, State.PROVINCE_REVIEW)
    if pending:
        steps.append(("primary", f"{pending} 件待省级审定：可先抽查，再提交会议研究。", reverse("review:province_list")))
    unchecked = selectors.spot_checks_visible_to(user).filter(draw__campaign=campaign, result="").count()
    if unchecked:
        steps.append(("warning", f"{unchecked} 件抽中的申报尚未记录抽查结果。", reverse("review:spot_checks")))
    awaiting = selectors.meetings_visible_to(user).filter(campaign=campaign, closed_at__isnull=False, awarded_at__isnull=True)
    for meeting in awaiting:
        steps.append(("warning", f"「{meeting.name}」已结束，待认定。", reverse("review:meeting_detail", args=[meeting.pk])))
    if unpublished:
        steps.append(("info", f"{unpublished} 家已认定企业尚未通报公布。", "#publish"))
    return steps or [("success", "目前没有待办事项。", None)]


@permission_required("review.use_province_pages")
def province_list(request):
    campaign = _campaign(request)
    form = ProvinceFilterForm(request.GET, user=request.user, states=[s for s in State.values if s != State.DRAFT])
    page = worklist.paginate(request, selectors.province_applications(request.user, campaign, form.query()))
    rows = selectors.rows_of(page.object_list, campaign)
    selectors.province_row_extras(rows)
    cities = dict(selectors.city_choices())
    for application in rows:
        application.city_name = cities.get(application.reviewing_city_id, "")
    context = {"campaign": campaign, "rows": rows}
    context.update(worklist.list_context(request, form, selectors.PROVINCE_COLUMNS, page))
    return render(request, "review/province_list.html", context)


# 抽查 ------------------------------------------------------------------------------------------------------------


@permission_required("review.manage_spot_checks")
def spot_checks(request):
    campaign = _campaign(request)
    draws = list(
        selectors.spot_check_draws_visible_to(request.user).filter(campaign=campaign)
        .select_related("created_by").order_by("-created_at", "-id")
    )
    current = draws[0] if draws else None
    form = SpotCheckDrawForm(request.POST or None, redraw=current is not None)
    if request.method == "POST":
        if form.is_valid():
            try:
                draw = spot_check_draw(
                    actor=request.user, campaign=campaign, share_percent=form.cleaned_data["share_percent"],
                    reason=form.cleaned_data.get("reason", ""),
                )
            except Refused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, f"已抽取 {len(draw.drawn)} 件（共 {len(draw.population)} 件，比例 {draw.share_percent}%）。")
                return redirect("review:spot_check_draw", pk=draw.pk)
        else:
            messages.error(request, "抽查信息有误，请按提示修改。")
    pending = selectors.count_in(request.user, campaign, State.PROVINCE_REVIEW)
    return render(
        request, "review/spot_checks.html",
        {"campaign": campaign, "form": form, "draws": draws, "current": current, "pending": pending},
    )


def _draw_page(request, draw, bound=None, status=200):
    checks = list(
        draw.checks.select_related("application__enterprise__county", "application__reviewing_city", "application__cluster", "checked_by")
        .order_by("id")
    )
    position = {pk: i for i, pk in enumerate(draw.drawn)}
    checks.sort(key=lambda c: position.get(c.application_id, 10**9))
    rows = []
    for check in checks:
        form = bound[1] if bound and bound[0] == check.pk else SpotCheckResultForm(
            initial={"result": check.result, "notes": check.notes}, prefix=f"check{check.pk}"
        )
        rows.append((check, form))
    replay = spot_check_replay(draw) if request.GET.get("replay") else None
    replay_rows = []
    if replay is not None:
        found = {
            pk: (name, number) for pk, name, number in applications_visible_to(request.user)
            .filter(pk__in=replay.recomputed).values_list("pk", "enterprise__name", "filing_number")
        }
        replay_rows = [found.get(pk, (None, "")) for pk in replay.recomputed]
    replaced_by = selectors.spot_check_draws_visible_to(request.user).filter(replaces=draw).first()
    return render(
        request, "review/spot_check_draw.html",
        {"draw": draw, "rows": rows, "replay": replay, "replay_rows": replay_rows, "replaced_by": replaced_by},
        status=status,
    )


@permission_required("review.manage_spot_checks")
def spot_check_draw_view(request, pk):
    draw = get_object_or_404(
        selectors.spot_check_draws_visible_to(request.user).select_related("campaign", "created_by", "replaces"), pk=pk
    )
    return _draw_page(request, draw)


@require_POST
@permission_required("review.manage_spot_checks")
def spot_check_record_view(request, pk):
    check = get_object_or_404(
        selectors.spot_checks_visible_to(request.user).select_related("draw__campaign", "draw__created_by", "draw__replaces"), pk=pk
    )
    form = SpotCheckResultForm(request.POST, request.FILES, prefix=f"check{check.pk}")
    if form.is_valid():
        try:
            spot_check_record(
                actor=request.user, check_id=check.pk, result=form.cleaned_data["result"],
                notes=form.cleaned_data["notes"], record_file=form.cleaned_data["record_file"],
            )
        except SpotCheck.DoesNotExist:
            raise Http404 from None
        except Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "抽查结果已记录。")
            return redirect(reverse("review:spot_check_draw", args=[check.draw_id]) + f"#check-{check.pk}")
    else:
        messages.error(request, "抽查结果有误，请按提示修改。")
    return _draw_page(request, check.draw, bound=(check.pk, form), status=400)


@permission_required("review.manage_spot_checks")
def spot_check_file(request, pk):
    check = get_object_or_404(selectors.spot_checks_visible_to(request.user).select_related("application"), pk=pk)
    if not check.record_file:
        raise Http404("没有上传抽查记录。")
    audit(Event.DOWNLOAD, user=request.user, request=request, obj=check.application, detail="抽查记录")
    name = f"抽查记录-{check.application_id}"
    response = FileResponse(check.record_file.open("rb"), as_attachment=True)
    response["Content-Disposition"] = f"attachment; filename=\"check-{check.pk}\"; filename*=UTF-8''{escape_uri_path(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# 会议研究 / 认定 / 通报公布 -----------------------------------------------------------------------------------------


@permission_required("review.manage_meetings")
def meetings(request):
    campaign = _campaign(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            meeting = meeting_create(actor=request.user, campaign=campaign, **form.cleaned_data)
            messages.success(request, f"已创建会议「{meeting.name}」，请录入会议结论。")
            return redirect("review:meeting_detail", pk=meeting.pk)
        messages.error(request, "会议信息有误，请按提示修改。")
    page = worklist.paginate(request, selectors.meetings_of(request.user, campaign), MEETINGS_PAGE_SIZE)
    return render(
        request,
        "review/meetings.html",
        {"campaign": campaign, "form": form, "page": page, **selectors.meetings_page_counts(request.user, campaign)},
    )


@permission_required("review.manage_meetings")
def meeting_detail(request, pk):
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user).select_related("campaign", "created_by"), pk=pk)
    form = None
    status = 200
    if not meeting.is_closed:
        candidates = selectors.meeting_candidates(request.user, meeting)
        form = MeetingDecisionForm(request.POST or None, applications=candidates)
        if request.method == "POST":
            if form.is_valid():
                try:
                    meeting_save_decisions(actor=request.user, meeting_id=meeting.pk, decisions=form.decisions())
                except Refused as refusal:
                    messages.error(request, str(refusal))
                    status = 400
                else:
                    messages.success(request, "会议结论已保存。结束会议后结论锁定，方可认定。")
                    return redirect("review:meeting_detail", pk=meeting.pk)
            else:
                messages.error(request, "会议结论有误，请按提示修改。")
                status = 400
    elif request.method == "POST":
        messages.error(request, "会议已结束，会议结论已锁定，不能再修改。")
        status = 409
    return _meeting_page(request, meeting, form, status=status)


def _meeting_page(request, meeting, form=None, *, status=200, posted=None):
    """The meeting's page; `posted` (a refused 认定's POST) keeps what the official confirmed and typed."""
    decisions = list(selectors.meeting_decisions(meeting))
    posted = posted or {}
    confirmations = [
        (application, failures, bool(posted.get(f"override_confirm_{application.pk}")),
         posted.get(f"override_reason_{application.pk}", ""))
        for application, failures in (selectors.award_confirmations(decisions) if meeting.is_closed else [])
    ]
    return render(
        request,
        "review/meeting_detail.html",
        {"meeting": meeting, "form": form, "decisions": decisions, "confirmations": confirmations},
        status=status,
    )


@require_POST
@permission_required("review.manage_meetings")
def meeting_close_view(request, pk):
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    try:
        meeting_close(actor=request.user, meeting_id=meeting.pk)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "会议已结束，结论已锁定。")
    return redirect("review:meeting_detail", pk=meeting.pk)


def _override_reasons(post) -> tuple[dict[int, str], bool]:
    """{application id: reason} the province confirmed on the meeting page, and whether a reason came unconfirmed."""
    reasons, unconfirmed = {}, False
    for key, value in post.items():
        if not key.startswith("override_reason_") or not key.removeprefix("override_reason_").isdigit():
            continue
        pk, reason = int(key.removeprefix("override_reason_")), value.strip()
        if reason and not post.get(f"override_confirm_{pk}"):
            unconfirmed = True
        elif reason:
            reasons[pk] = reason[:2000]
    return reasons, unconfirmed


@require_POST
@permission_required("review.carry_out_awards")
def meeting_award_view(request, pk):
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    reasons, unconfirmed = _override_reasons(request.POST)
    if unconfirmed:
        messages.error(request, "填写了理由的企业，请勾选确认已知悉不满足的条件后再认定。")
        return _meeting_page(request, meeting, status=400, posted=request.POST)
    try:
        records = meeting_award(actor=request.user, meeting_id=meeting.pk, override_reasons=reasons)
    except ActionForbidden as refusal:
        raise PermissionDenied(str(refusal)) from None
    except TransitionRefused as refusal:  # a guard of one application (e.g. a reason missing): keep what was typed
        messages.error(request, str(refusal))
        return _meeting_page(request, meeting, status=400, posted=request.POST)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        awarded = sum(1 for r in records if r.to_state == State.AWARDED)
        messages.success(request, f"已认定 {awarded} 家（按认定排序颁发证书编号），不予认定 {len(records) - awarded} 家。")
    return redirect("review:meeting_detail", pk=meeting.pk)


@require_POST
@permission_required("review.publish_results")
def publish_results(request):
    campaign = _campaign(request)
    try:
        campaign_publish_results(actor=request.user, campaign=campaign)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "认定结果已通报公布。")
    return redirect(safe_next(request, reverse("review:province_home")))


@permission_required("review.extend_deadlines")
def extend_deadline(request):
    campaign = _campaign(request)
    form = DeadlineExtensionForm(request.POST or None, campaign=campaign)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                extension = campaign_extend_deadline(actor=request.user, campaign_id=campaign.pk, **form.cleaned_data)
            except Refused as refusal:
                messages.error(request, str(refusal))
                status = 400
            else:
                messages.success(
                    request,
                    f"已将「{DeadlineLevel(extension.level).label}」由 {chinese_date(extension.old_date)} "
                    f"延长至 {chinese_date(extension.new_date)}。",
                )
                return redirect("review:extend_deadline")
        else:
            messages.error(request, "延期信息有误，请按提示修改。")
            status = 400
    campaign = Campaign.objects.get(pk=campaign.pk)
    return render(
        request,
        "review/extend_deadline.html",
        {
            "campaign": campaign,
            "form": form,
            "extensions": [
                (e, DeadlineLevel(e.level).label if e.level in DeadlineLevel.values else e.level)
                for e in campaign.deadline_extensions.select_related("by")
            ],
            "deadlines": [
                (level.label, campaign.deadline(level), selectors.deadline_countdown(campaign, level))
                for level in DeadlineLevel
            ],
        },
        status=status,
    )
