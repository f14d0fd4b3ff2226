"""市级审核员: the dashboard, the applications by cluster with the quota, and the 集群内推荐排序."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from applications.models import Application, State
from portal.accounts.decorators import permission_required
from review import selectors
from review.forms import CityRankForm, ForwardForm, TransitionForm, WorkListForm
from review.services import (
    ActionForbidden,
    Refused,
    TransitionRefused,
    application_set_city_ranks,
    perform_transition,
)
from review.views import worklist
from review.views.common import application_or_404
from review.workflow import TRANSITIONS, Action


@permission_required("review.use_city_pages")
def city_home(request):
    user, campaign = request.user, selectors.campaign_in_view(request.GET.get("year"))
    context = {"campaign": campaign, "state_counts": selectors.state_counts(user, campaign), "next_steps": []}
    if campaign is not None:
        countdown = selectors.deadline_countdown(campaign, "city")
        clusters = selectors.city_cluster_summaries(user, campaign)
        waiting = sum(c.waiting for c in clusters)
        steps = [
            *_waiting_steps(clusters, waiting, countdown, selectors.count_returned(user, campaign, State.CITY_REVIEW)),
            *_full_cluster_steps(clusters),
            *_county_steps(context["state_counts"]),
        ]
        context.update(
            countdown=countdown, clusters=clusters, waiting=waiting,
            next_steps=steps or [("success", "目前没有待办事项。", None)],
        )
    context["list_url"] = reverse("review:city_clusters")
    return render(request, "review/city_home.html", context)


def _waiting_steps(clusters, waiting, countdown, returned):
    clusters_url = reverse("review:city_clusters")
    if waiting and countdown.passed:
        return [("danger", f"{waiting} 件待市级审核已超过截止时间，须由省级审核员延长截止日期后才能办理。", clusters_url)]
    if waiting:
        unranked = sum(c.unranked for c in clusters)
        steps = [
            ("warning" if countdown.due_soon else "primary",
             f"{waiting} 件待市级审核（{countdown.label}），其中 {unranked} 件尚未排序。", clusters_url)
        ]
        if returned:
            steps.append(("warning", f"{returned} 件被省级退回市级，退回意见见按集群审核汇总。", clusters_url))
        return steps
    return []


def _full_cluster_steps(clusters):
    clusters_url = reverse("review:city_clusters")
    return [
        ("secondary", f"「{c.name}」已上报 {c.quota_used}/{c.quota}，名额已满，"
         f"其余 {c.waiting} 件不能再上报。", f"{clusters_url}?cluster={c.cluster_id}")
        for c in clusters
        if c.full and c.waiting
    ]


def _county_steps(state_counts):
    county_waiting = selectors.count_of(state_counts, State.COUNTY_REVIEW)
    return [("light", f"各县尚有 {county_waiting} 件待县级初审。", None)] if county_waiting else []


def _clusters_page(request, campaign, bound=None, status=200, fixed=None, kept_opinions=None):
    """The city's list, a page of rows at a time, shown by cluster; `bound`: a rank form refused, shown as typed;
    `kept_opinions` ({pk: text}) refills the forward opinions after a refusal, so nothing typed is lost."""
    user = request.user
    form = WorkListForm(request.GET, user=user, states=[s for s in State.values if s != State.DRAFT])
    context = {
        "campaign": campaign,
        "city_review": State.CITY_REVIEW,
        "province_review": State.PROVINCE_REVIEW,
        "forward": TRANSITIONS[Action.CITY_FORWARD],
        "withdraw": TRANSITIONS[Action.CITY_WITHDRAW_FORWARD],
    }
    if campaign is not None:
        listed = selectors.city_applications(user, campaign, form.query(**(fixed or {})))
        page = worklist.paginate(request, listed)
        rows = selectors.rows_of(page.object_list, campaign)
        selectors.mark_blocked(user, rows, Action.CITY_FORWARD)
        for application in rows:
            application.kept_opinion = (kept_opinions or {}).get(application.pk, "")
        groups = selectors.cluster_groups(rows, listed)
        for group in groups:
            _attach_rank_fields(group, bound)
        context.update(worklist.list_context(request, form, selectors.CITY_COLUMNS, page))
        context.update(
            groups=groups,
            countdown=selectors.deadline_countdown(campaign, "city"),
            transition_form=TransitionForm(),
        )
    return render(request, "review/city_clusters.html", context, status=status)


def _attach_rank_fields(group, bound):
    if bound is not None and bound.cluster_id == group.cluster.pk:
        form = bound
    else:
        form = CityRankForm(applications=group.waiting, form_id=f"rank-form-{group.cluster.pk}")
    group.rows = [(a, form[f"rank_{a.pk}"] if a.state == State.CITY_REVIEW else None) for a in group.applications]


@permission_required("review.use_city_pages")
def city_clusters(request):
    return _clusters_page(request, selectors.campaign_in_view(request.GET.get("year")))


@require_POST
@permission_required("review.rank_applications")
def city_cluster_rank(request, cluster_id):
    """Save one cluster's 集群内推荐排序; a refusal shows the page again with the numbers as typed."""
    campaign = selectors.campaign_in_view(request.POST.get("year"))
    groups = selectors.city_cluster_groups(request.user, campaign, cluster_id=cluster_id)
    if not groups:  # no application of this cluster is the city's: another city's cluster answers 404
        raise Http404("该集群不在您的管辖范围内，或没有待市级审核的申报。")
    # Only the rows the page showed: a cluster longer than a page is ranked page by page, the others keep theirs.
    waiting = [a for a in groups[0].waiting if f"rank_{a.pk}" in request.POST]
    form = CityRankForm(request.POST, applications=waiting, form_id=f"rank-form-{cluster_id}")
    form.cluster_id = cluster_id
    if not form.is_valid():
        messages.error(request, "排序号有误，请按提示修改。")
        return _clusters_page(request, campaign, bound=form, status=400, fixed={"cluster": cluster_id})
    try:
        changed = application_set_city_ranks(
            actor=request.user, campaign=campaign, cluster_id=cluster_id, ranks=form.ranks()
        )
    except ActionForbidden as refusal:
        raise PermissionDenied(str(refusal)) from None
    except Refused as refusal:
        messages.error(request, str(refusal))
        return _clusters_page(request, campaign, bound=form, status=400, fixed={"cluster": cluster_id})
    messages.success(request, f"集群内推荐排序已保存（调整 {changed} 家）。")
    return redirect(reverse("review:city_clusters") + f"#cluster-{cluster_id}")


@require_POST
@permission_required("review.use_city_pages")
def city_cluster_forward(request, pk):
    """审核通过并上报 from the cluster page, with the row's own opinion; a refusal shows the page again with the
    reason and the opinion as typed."""
    application = application_or_404(request.user, pk)
    form = ForwardForm(request.POST)
    opinion = form.cleaned_data["opinion"] if form.is_valid() else ""
    try:
        perform_transition(
            application_id=application.pk, action=Action.CITY_FORWARD, actor=request.user, opinion=opinion,
            expected_state=State.CITY_REVIEW,
        )
    except Application.DoesNotExist:
        raise Http404("申报不存在或不在您的管辖范围内。") from None
    except ActionForbidden as refusal:
        raise PermissionDenied(str(refusal)) from None
    except TransitionRefused as refusal:
        messages.error(request, f"「{application.enterprise.name}」未上报：{refusal}")
        return _clusters_page(request, application.campaign, kept_opinions={application.pk: opinion})
    messages.success(request, f"已办理「{TRANSITIONS[Action.CITY_FORWARD].label}」：{application.enterprise.name}。")
    return redirect(reverse("review:city_clusters") + f"?year={application.campaign.year}#cluster-{application.cluster_id}")
