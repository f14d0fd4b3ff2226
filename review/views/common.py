"""What every official shares (the application page and its actions), the notifications page and the public list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from applications.eligibility import UNMET
from applications.fields import BY_NAME, DECLARATION, DECLARATION_FIELDS, FIELDS
from applications.growth import growth_rows, years_of
from applications.models import REPORT_SECTIONS, Application, MaterialKind, State
from portal.accounts.decorators import permission_required, public
from portal.pagination import CappedPaginator
from review import selectors
from review.forms import OVERRIDABLE_ACTIONS, TransitionForm
from review.services import ActionForbidden, TransitionRefused, notifications_mark_read, perform_transition
from review.workflow import TRANSITIONS, verification_is_current


def safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def material_previews(application):
    """Each material with its in-browser view address (the enterprise side's download view, ?inline=1)."""
    rows = []
    order = {kind: i for i, kind in enumerate(MaterialKind.values)}  # 四 … 八, as the notice lists them
    for material in sorted(application.materials.all(), key=lambda m: (order.get(m.kind, 99), m.uploaded_at, m.pk)):
        try:
            url = reverse("applications:material_download", args=[material.pk])
        except NoReverseMatch:  # the download view is not installed: the list still shows names and hashes
            url = None
        rows.append(
            {
                "material": material,
                "kind_label": MaterialKind(material.kind).label,
                "url": url,
                "inline_url": f"{url}?inline=1" if url else None,
                "is_pdf": material.content_type == "application/pdf",
                "is_image": material.content_type.startswith("image/"),
            }
        )
    return rows


def field_rows(application):
    """The 推荐审核表's fields as entered (the declarations apart), from the field registry."""
    return [
        (spec.label, spec.display(application), spec.name)
        for spec in FIELDS
        if spec.on_form and spec.format != DECLARATION
    ]


def detail_context(request, application, form=None):
    user = request.user
    verification = selectors.verification_of(application)
    # 认定 / 不予认定 are carried out from a closed meeting (会议研究), never one by one from the application page.
    actions = selectors.transitions_open_to(user, application, pages=("application",))
    verdicts = selectors.verdicts_for(application, verification)
    blocked = selectors.transition_blockers(user, application, actions)
    context = {
        "application": application,
        "enterprise": application.enterprise,
        "verification": verification,
        "figures": selectors.figure_rows(application, verification),
        "verdicts": verdicts,
        # 初审通过 / 审核通过并上报 against unmet conditions: the page asks to confirm and give the reason.
        "override_codes": [v.code for v in verdicts if v.status == UNMET]
        if any(t.action in OVERRIDABLE_ACTIONS for t in actions) else [],
        "report": [
            (numeral, Application._meta.get_field(n).verbose_name, getattr(application, n))
            for numeral, n in zip("一二三四五六七八", REPORT_SECTIONS, strict=True)
        ],
        "fields": field_rows(application),
        "growth": growth_rows(application),
        "growth_years": years_of(application),
        "declarations": [(BY_NAME[n].label, getattr(application, n)) for n in DECLARATION_FIELDS],
        "materials": material_previews(application),
        "timeline": selectors.timeline_for(application, user),
        "actions": actions,
        # Each button with why it cannot act now ("" when it can): disabled with the reason rather than refused after the click.
        "action_rows": [(t, blocked.get(t.action, "")) for t in actions],
        "returns_to_enterprise": any(t.points_at_fixes for t in actions),
        "form": form or TransitionForm(initial={"expected_state": application.state}),
        "needs_verification": application.state == State.COUNTY_REVIEW
        and user.has_perm("review.verify_application", application),
        # Resubmitted since the county verified: 初审通过 waits for a new or re-confirmed verification.
        "verification_history": selectors.verification_history(application) if verification else [],
        "verification_outdated": verification is not None and application.state == State.COUNTY_REVIEW
        and not verification_is_current(application),
        "awaits_meeting": application.state == State.PROVINCE_REVIEW and user.has_perm("review.manage_meetings"),
        "spot_checks": list(application.spot_checks.all()),
        "meeting_decision": getattr(application, "meeting_decision", None),
        "certificate": getattr(application, "certificate", None),
        "city": application.city,
        "return_opinion": selectors.return_opinion_for(application),
    }
    context.update(_waiting_context(user, application))
    return context


def _waiting_context(user, application) -> dict:
    """While the application waits for the county or the city: the deadline, and for the city its cluster's quota."""
    context = {}
    if application.state == State.CITY_REVIEW and user.has_perm("review.rank_applications", application):
        used, limit = selectors.quotas_for(application.campaign, [application.cluster_id])[application.cluster_id]
        context["cluster_group"] = selectors.ClusterGroup(cluster=application.cluster, quota_used=used, quota=limit)
    if application.state in (State.COUNTY_REVIEW, State.CITY_REVIEW):
        level = "county" if application.state == State.COUNTY_REVIEW else "city"
        context["countdown"] = selectors.deadline_countdown(application.campaign, level)
    return context


def application_or_404(user, pk):
    application = selectors.application_for_review(user, pk)
    if application is None:
        raise Http404("申报不存在或不在您的管辖范围内。")
    return application


@permission_required("review.use_review_pages")
def application_detail(request, pk):
    application = application_or_404(request.user, pk)
    return render(request, "review/application_detail.html", detail_context(request, application))


@require_POST
@permission_required("review.use_review_pages")
def transition(request, pk):
    """POST action + opinion: the service decides; a refusal keeps what the official typed."""
    form = TransitionForm(request.POST)
    detail_url = reverse("review:application_detail", args=[pk])
    if not form.is_valid():
        application = application_or_404(request.user, pk)
        messages.error(request, "提交的内容有误，请检查后重试。")
        return render(request, "review/application_detail.html", detail_context(request, application, form), status=400)
    data = form.cleaned_data
    try:
        points_at_fixes = TRANSITIONS[data["action"]].points_at_fixes
        perform_transition(
            application_id=pk, action=data["action"], actor=request.user, opinion=data["opinion"],
            internal_note=data["internal_note"], expected_state=data["expected_state"] or None,
            # The targets belong to a return to the enterprise; with any other decision they do not apply.
            return_targets=data["return_targets"] if points_at_fixes else (),
            details={"override_reason": form.confirmed_reason()},
        )
    except Application.DoesNotExist:
        raise Http404("申报不存在或不在您的管辖范围内。") from None
    except ActionForbidden as refusal:
        raise PermissionDenied(str(refusal)) from None
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
        if (data["opinion"] or data["internal_note"]) or not request.POST.get("next"):
            application = application_or_404(request.user, pk)
            fresh = TransitionForm(
                initial={"opinion": data["opinion"], "internal_note": data["internal_note"],
                         "return_targets": data["return_targets"], "expected_state": application.state,
                         "override_confirmed": data["override_confirmed"], "override_reason": data["override_reason"]}
            )
            return render(request, "review/application_detail.html", detail_context(request, application, fresh))
        return redirect(safe_next(request, detail_url))
    messages.success(request, f"已办理「{TRANSITIONS[data['action']].label}」。")
    return redirect(safe_next(request, detail_url))


NOTIFICATIONS_PAGE_SIZE = 30
NOTIFICATIONS_COUNT_CAP = 1000  # the newest thousand, page by page


@permission_required("accounts.use_portal")
def notifications(request):
    """The user's notifications, newest first; opening the page marks the shown ones read."""
    page = CappedPaginator(
        selectors.notifications_for(request.user), NOTIFICATIONS_PAGE_SIZE, cap=NOTIFICATIONS_COUNT_CAP
    ).get_page(request.GET.get("page"))
    items = list(page.object_list)
    unread_ids = [n.pk for n in items if n.read_at is None]
    response = render(
        request,
        "review/notifications.html",
        {"page": page, "items": items, "unread_ids": set(unread_ids)},
    )
    if unread_ids:
        notifications_mark_read(user=request.user, ids=unread_ids)
    return response


@require_POST
@permission_required("accounts.use_portal")
def notifications_read_all(request):
    notifications_mark_read(user=request.user)
    messages.success(request, "已全部标为已读。")
    return redirect("review:notifications")


@public
def public_awarded(request):
    """通报公布 (public, no login): the awarded enterprises by city and cluster."""
    campaigns = list(selectors.published_campaigns())
    year = request.GET.get("year")
    campaign = next((c for c in campaigns if str(c.year) == year), None) if year else (campaigns[0] if campaigns else None)
    if year and campaign is None:
        raise Http404("该年度的认定结果尚未公布。")
    groups = selectors.published_awards(campaign)
    return render(
        request,
        "review/public_awarded.html",
        {"campaign": campaign, "campaigns": campaigns, "groups": groups, "total": sum(len(m) for g in groups for _, m in g.clusters)},
    )
