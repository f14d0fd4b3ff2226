"""The workflow as data: (state, action) → (next state, role, guards, effects). review.services performs it.

Guards and effects are named functions of one `Step` (the locked application, the transition, the actor, the
opinion and the time). A guard refuses with TransitionRefused and writes nothing; an effect runs after the
guards, inside the same transaction, once the new state is set and before it is saved (so an effect may
still refuse and roll everything back, as the quota does when a parallel forward took the last slot).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Max
from django.utils import timezone

from applications.completeness import missing_items
from applications.models import Application, State
from portal.accounts.models import Role
from portal.directory.models import Campaign, CampaignState
from review.errors import TransitionRefused
from review.models import Certificate, ClusterQuota, Decision, validity_end


class Action:
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    COUNTY_PASS = "county_pass"  # noqa: S105 - an action name, not a password
    COUNTY_RETURN = "county_return"
    COUNTY_REJECT = "county_reject"
    CITY_FORWARD = "city_forward"
    CITY_RETURN_TO_COUNTY = "city_return_county"
    CITY_RETURN_TO_ENTERPRISE = "city_return_enterprise"
    CITY_REJECT = "city_reject"
    AWARD = "award"
    DECLINE = "decline"


@dataclass
class Step:
    """One transition being performed: what guards read and effects change."""

    application: Application
    transition: "Transition"
    actor: object
    opinion: str
    now: dt.datetime
    update_fields: list = field(default_factory=list)  # application fields an effect changed


# Guards ---------------------------------------------------------------------------------------------------------


def _deadline(level: str):
    def guard(step: Step) -> None:
        campaign = step.application.campaign
        if campaign.deadline_passed(level, step.now):
            raise TransitionRefused(
                f"已超过截止时间（{campaign.deadline(level):%Y年%m月%d日} 23:59），不能再进行此操作。"
            )

    guard.__name__ = guard.__qualname__ = f"{level}_deadline_not_passed"
    return guard


enterprise_deadline_not_passed = _deadline("enterprise")
county_deadline_not_passed = _deadline("county")
city_deadline_not_passed = _deadline("city")


def campaign_open(step: Step) -> None:
    if step.application.campaign.state != CampaignState.OPEN:
        raise TransitionRefused("本申报批次未开放，不能提交申报。")


def application_complete(step: Step) -> None:
    missing = missing_items(step.application)
    if missing:
        raise TransitionRefused("申报材料尚不完整：" + "；".join(m.message for m in missing[:5]))


def opinion_given(step: Step) -> None:
    if not step.opinion.strip():
        raise TransitionRefused(f"「{step.transition.label}」须填写意见或理由。")


def county_verified(step: Step) -> None:
    if not hasattr(step.application, "county_verification"):
        raise TransitionRefused("初审通过前须先填写县级核实情况证明。")


def county_not_yet_acted(step: Step) -> None:
    last = step.application.review_records.order_by("-at", "-id").first()
    if last is None or last.action != Action.SUBMIT:
        raise TransitionRefused("县级审核员已处理，不能撤回。")


def _quota_full(application) -> TransitionRefused:
    campaign = application.campaign
    return TransitionRefused(
        f"「{application.cluster.name}」本批次已上报 {campaign.quota_per_cluster} 家，达到推荐上限，不能再上报。"
    )


def takes_quota(application) -> bool:
    """复核 of a title in force takes no slot unless the campaign says so."""
    return not application.renews_id or application.campaign.renewal_counts_quota


def cluster_has_free_slot(step: Step) -> None:
    application = step.application
    if not takes_quota(application):
        return
    quota = ClusterQuota.objects.filter(campaign_id=application.campaign_id, cluster_id=application.cluster_id).first()
    used, limit = (quota.used, quota.quota) if quota else (0, application.campaign.quota_per_cluster)
    if used >= limit:
        raise _quota_full(application)


def _meeting_decided(wanted: str, name: str):
    def guard(step: Step) -> None:
        decision = getattr(step.application, "meeting_decision", None)
        if decision is None or not decision.meeting.is_closed or decision.decision != wanted:
            raise TransitionRefused("须先在已结束的会议研究中作出结论。")

    guard.__name__ = guard.__qualname__ = name
    return guard


meeting_decided_award = _meeting_decided(Decision.AWARD, "meeting_decided_award")
meeting_decided_decline = _meeting_decided(Decision.DECLINE, "meeting_decided_decline")

# Transitions the province carries out from a closed meeting (meeting_award), not from the application's page.
MEETING_GUARDS = frozenset({meeting_decided_award, meeting_decided_decline})


# Effects --------------------------------------------------------------------------------------------------------


def stamp_submission(step: Step) -> None:
    step.application.submitted_at = step.now
    step.update_fields.append("submitted_at")


def take_quota_slot(step: Step) -> None:
    """Claim one of the cluster's slots with a single conditional UPDATE: the database decides, not Python."""
    application = step.application
    campaign = application.campaign
    if not takes_quota(application):
        return
    ClusterQuota.objects.bulk_create(
        [ClusterQuota(campaign=campaign, cluster_id=application.cluster_id, quota=campaign.quota_per_cluster)],
        ignore_conflicts=True,
    )
    taken = ClusterQuota.objects.filter(
        campaign=campaign, cluster_id=application.cluster_id, used__lt=F("quota")
    ).update(used=F("used") + 1)
    if not taken:
        raise _quota_full(application)


def issue_certificate(step: Step) -> None:
    application = step.application
    # The campaign row is locked, so serials are assigned one at a time: gap-free, in call order.
    Campaign.objects.select_for_update().get(pk=application.campaign_id)
    last = Certificate.objects.filter(campaign_id=application.campaign_id).aggregate(m=Max("serial"))["m"] or 0
    serial = last + 1
    issued_on = timezone.localdate(step.now)
    certificate = Certificate.objects.create(
        application=application,
        issued_for=application,
        campaign_id=application.campaign_id,
        serial=serial,
        number=application.campaign.certificate_number(serial),
        issued_on=issued_on,
        expires_on=validity_end(issued_on, application.campaign.title_validity_years),
    )
    if application.renews_id:
        # 复核 passed: the renewed title's certificate is superseded by this one.
        Certificate.objects.filter(application_id=application.renews_id, replaced_by__isnull=True).update(
            replaced_by=certificate, replaced_at=step.now, reissue_reason="复核通过，换发新证书"
        )


# The table ------------------------------------------------------------------------------------------------------

Check = Callable[[Step], None]


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button's words (PROCESS.md §7)
    sources: frozenset
    target: str
    role: str
    guards: tuple[Check, ...] = ()
    button_class: str = "btn-primary"
    effects: tuple[Check, ...] = ()


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            Action.SUBMIT, "提交申报", frozenset({State.DRAFT, State.RETURNED, State.WITHDRAWN}),
            State.COUNTY_REVIEW, Role.ENTERPRISE, (enterprise_deadline_not_passed, campaign_open, application_complete),
            effects=(stamp_submission,),
        ),
        Transition(
            Action.WITHDRAW, "撤回", frozenset({State.COUNTY_REVIEW}), State.WITHDRAWN, Role.ENTERPRISE,
            (county_not_yet_acted,), "btn-outline-secondary",
        ),
        Transition(
            Action.COUNTY_PASS, "初审通过", frozenset({State.COUNTY_REVIEW}), State.CITY_REVIEW, Role.COUNTY,
            (county_deadline_not_passed, county_verified), "btn-success",
        ),
        Transition(
            Action.COUNTY_RETURN, "退回修改", frozenset({State.COUNTY_REVIEW}), State.RETURNED, Role.COUNTY,
            (county_deadline_not_passed, opinion_given), "btn-warning",
        ),
        Transition(
            Action.COUNTY_REJECT, "不予推荐", frozenset({State.COUNTY_REVIEW}), State.REJECTED, Role.COUNTY,
            (county_deadline_not_passed, opinion_given), "btn-danger",
        ),
        Transition(
            Action.CITY_FORWARD, "审核通过并上报", frozenset({State.CITY_REVIEW}), State.PROVINCE_REVIEW, Role.CITY,
            (city_deadline_not_passed, cluster_has_free_slot), "btn-success", effects=(take_quota_slot,),
        ),
        Transition(
            Action.CITY_RETURN_TO_COUNTY, "退回修改（退回县级）", frozenset({State.CITY_REVIEW}), State.COUNTY_REVIEW,
            Role.CITY, (city_deadline_not_passed, opinion_given), "btn-warning",
        ),
        Transition(
            Action.CITY_RETURN_TO_ENTERPRISE, "退回修改（退回企业）", frozenset({State.CITY_REVIEW}), State.RETURNED,
            Role.CITY, (city_deadline_not_passed, opinion_given), "btn-warning",
        ),
        Transition(
            Action.CITY_REJECT, "不予推荐", frozenset({State.CITY_REVIEW}), State.REJECTED, Role.CITY,
            (city_deadline_not_passed, opinion_given), "btn-danger",
        ),
        Transition(
            Action.AWARD, "认定", frozenset({State.PROVINCE_REVIEW}), State.AWARDED, Role.PROVINCE,
            (meeting_decided_award,), "btn-success", effects=(issue_certificate,),
        ),
        Transition(
            Action.DECLINE, "不予认定", frozenset({State.PROVINCE_REVIEW}), State.NOT_AWARDED, Role.PROVINCE,
            (meeting_decided_decline,), "btn-danger",
        ),
    ]
}


def available_actions(application, role: str) -> list[Transition]:
    """The transitions the table offers `role` from the application's state (guards are checked on POST)."""
    return [t for t in TRANSITIONS.values() if t.role == role and application.state in t.sources]
