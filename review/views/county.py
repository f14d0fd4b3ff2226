"""县级审核员: the dashboard, the queue and the 核实情况证明."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from applications.fields import VERIFIED_FIELDS
from applications.models import Application, State
from portal.accounts.decorators import permission_required
from review import selectors
from review.forms import CountyVerificationForm, WorkListForm
from review.models import CountyVerification
from review.services import (
    ActionForbidden,
    Refused,
    VerificationChanged,
    county_verification_reconfirm,
    county_verification_save,
)
from review.views import worklist
from review.views.common import application_or_404
from review.workflow import Action, verification_is_current


@permission_required("review.use_county_pages")
def county_home(request):
    user, campaign = request.user, selectors.campaign_in_view(request.GET.get("year"))
    context = {"campaign": campaign, "state_counts": selectors.state_counts(user, campaign), "next_steps": []}
    if campaign is not None:
        countdown = selectors.deadline_countdown(campaign, "county")
        waiting = selectors.count_of(context["state_counts"], State.COUNTY_REVIEW)
        unverified = selectors.count_in(user, campaign, State.COUNTY_REVIEW, county_verification__isnull=True)
        returned = selectors.count_of(context["state_counts"], State.RETURNED)
        queue = reverse("review:county_queue")
        steps = context["next_steps"]
        if waiting and countdown.passed:
            steps.append(("danger", f"{waiting} 件待县级初审已超过截止时间，须由省级审核员延长截止日期后才能办理。", queue))
        elif waiting:
            steps.append(
                ("warning" if countdown.due_soon else "primary",
                 f"{waiting} 件待县级初审（{countdown.label}），其中 {unverified} 件尚未填写核实情况证明。", queue)
            )
        sent_back = selectors.count_returned(user, campaign, State.COUNTY_REVIEW)
        if sent_back:
            steps.append(("warning", f"{sent_back} 件被市级退回重新初审，退回意见见初审队列。", queue))
        if returned:
            steps.append(("secondary", f"{returned} 件已退回修改，等待企业修改后重新提交。", f"{queue}?state={State.RETURNED}"))
        if not steps:
            steps.append(("success", "目前没有待办事项。", None))
        context.update(countdown=countdown, waiting=waiting, unverified=unverified)
    return render(request, "review/county_home.html", context)


@permission_required("review.use_county_pages")
def county_queue_view(request):
    """初审队列: the county's applications, one state (待县级初审 unless asked) or all, searched, filtered, sorted."""
    user, campaign = request.user, selectors.campaign_in_view(request.GET.get("year"))
    state = request.GET.get("state", State.COUNTY_REVIEW)
    if state not in State.values and state != "all":
        state = State.COUNTY_REVIEW
    filters = request.GET.copy()
    filters.pop("state", None)  # the tabs choose the state, not the form (which would call a tab's value invalid)
    form = WorkListForm(filters, user=user)
    context = {"campaign": campaign, "state": state, "state_counts": selectors.state_counts(user, campaign)}
    if campaign is not None:
        query = form.query(state="" if state == "all" else state)
        page = worklist.paginate(request, selectors.county_queue(user, campaign, query))
        context.update(worklist.list_context(request, form, selectors.COUNTY_COLUMNS, page))
        rows = selectors.rows_of(page.object_list, campaign)
        selectors.mark_blocked(user, rows, Action.COUNTY_PASS)
        context.update(
            rows=rows,
            state_hidden=[("state", state)],
            countdown=selectors.deadline_countdown(campaign, "county"),
            county_review=State.COUNTY_REVIEW,
            state_query=worklist.query_string(request, drop=("page", "state")),
        )
    return render(request, "review/county_queue.html", context)


@permission_required("review.verify_application")
def verification(request, pk):
    """县级核实情况证明: verified figures against the declared ones, and the verdicts recomputed on them."""
    application = application_or_404(request.user, pk)
    saved = selectors.verification_of(application)
    current = saved
    if request.method == "POST":
        form = CountyVerificationForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, "condition_checks": form.condition_checks()}
            try:
                county_verification_save(
                    application_id=application.pk, actor=request.user, data=data, version=data["version"]
                )
            except Application.DoesNotExist:
                raise Http404 from None
            except ActionForbidden as refusal:
                raise PermissionDenied(str(refusal)) from None
            except VerificationChanged as refusal:
                messages.error(request, str(refusal))
                # Keep what this official typed; the next save is a deliberate overwrite of the version now shown.
                current = CountyVerification.objects.select_related("verified_by").get(application=application)
                posted = request.POST.copy()
                posted["version"] = current.version
                form = CountyVerificationForm(posted)
                form.is_valid()
                return _render(request, application, form, current, conflict=True)
            except Refused as refusal:
                messages.error(request, str(refusal))
                return _render(request, application, form, current)
            messages.success(request, "核实情况证明已保存，申报条件已按核实数重新判断。")
            return redirect(reverse("review:application_detail", args=[application.pk]) + "#verification")
        messages.error(request, "核实情况证明有误，请按提示修改。")
    else:
        form = CountyVerificationForm(initial=CountyVerificationForm.initial_for(application, saved))
    return _render(request, application, form, current)


def _render(request, application, form, current, conflict=False):
    # The table and the verdicts follow what is on screen: the typed figures when they parse, else the saved ones.
    shown = current
    if form.is_bound and form.is_valid():
        values = {name: form.cleaned_data[name] for name in VERIFIED_FIELDS}
        shown = CountyVerification(application=application, condition_checks=form.condition_checks(), **values)
    editable = application.state == State.COUNTY_REVIEW
    return render(
        request,
        "review/verification.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "current": current,
            "conflict": conflict,
            "figures": selectors.figure_rows(application, shown),
            "verdicts": selectors.verdicts_for(application, shown),
            "countdown": selectors.deadline_countdown(application.campaign, "county") if editable else None,
            "history": selectors.verification_history(application),
            "needs_reconfirmation": current is not None and editable and not verification_is_current(application),
        },
        status=409 if conflict else 200,
    )


@require_POST
@permission_required("review.verify_application")
def verification_reconfirm(request, pk):
    """确认核实情况无变化: after a resubmission, the county's verification is confirmed for the data now submitted."""
    application = application_or_404(request.user, pk)
    try:
        county_verification_reconfirm(
            application_id=application.pk, actor=request.user, version=int(request.POST.get("version") or 0)
        )
    except Application.DoesNotExist:
        raise Http404 from None
    except ActionForbidden as refusal:
        raise PermissionDenied(str(refusal)) from None
    except Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("review:verification", pk=application.pk)
    messages.success(request, "已确认核实情况无变化，记为核实情况证明的新版本。")
    return redirect(reverse("review:application_detail", args=[application.pk]) + "#verification")
