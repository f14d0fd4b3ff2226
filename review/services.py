"""The one place an application's state changes (STYLE.md: the workflow is data, one service performs it)."""

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from applications.completeness import missing_items
from applications.fingerprint import fingerprint
from applications.models import Application, State
from applications.selectors import applications_visible_to
from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Campaign, CampaignState
from review.models import Certificate, ClusterQuota, ReviewRecord
from review.notifications import notify_transition
from review.workflow import TRANSITIONS, Guard


class TransitionRefused(Exception):
    """A transition the table, the actor's rights or a guard does not allow; the message is for the user."""


def _check_guards(application, transition, *, opinion, now):
    campaign = application.campaign
    guards = transition.guards
    for level in ("enterprise", "county", "city"):
        if f"{level}_deadline" in guards and campaign.deadline_passed(level, now):
            deadline = campaign.deadline(level)
            raise TransitionRefused(f"已超过截止时间（{deadline:%Y年%m月%d日} 23:59），不能再进行此操作。")
    if Guard.ENTERPRISE_DEADLINE in guards and campaign.state != CampaignState.OPEN:
        raise TransitionRefused("本申报批次未开放，不能提交申报。")
    if Guard.COMPLETE in guards:
        missing = missing_items(application)
        if missing:
            raise TransitionRefused("申报材料尚不完整：" + "；".join(m.message for m in missing[:5]))
    if Guard.OPINION in guards and not opinion.strip():
        raise TransitionRefused(f"「{transition.label}」须填写意见或理由。")
    if Guard.VERIFICATION in guards and not hasattr(application, "county_verification"):
        raise TransitionRefused("初审通过前须先填写县级核实情况证明。")
    if Guard.NOT_YET_REVIEWED in guards:
        last = application.review_records.order_by("-at", "-id").first()
        if last is None or last.action != "submit":
            raise TransitionRefused("县级审核员已处理，不能撤回。")
    for guard, wanted in ((Guard.MEETING_AWARD, "award"), (Guard.MEETING_DECLINE, "decline")):
        if guard in guards:
            decision = getattr(application, "meeting_decision", None)
            if decision is None or not decision.meeting.is_closed or decision.decision != wanted:
                raise TransitionRefused("须先在已结束的会议研究中作出结论。")


def _take_quota_slot(application):
    """Claim one of the cluster's slots with a single conditional UPDATE: the database decides, not Python."""
    campaign = application.campaign
    ClusterQuota.objects.bulk_create(
        [ClusterQuota(campaign=campaign, cluster_id=application.cluster_id, quota=campaign.quota_per_cluster)],
        ignore_conflicts=True,
    )
    taken = ClusterQuota.objects.filter(
        campaign=campaign, cluster_id=application.cluster_id, used__lt=F("quota")
    ).update(used=F("used") + 1)
    if not taken:
        raise TransitionRefused(
            f"「{application.cluster.name}」本批次已上报 {campaign.quota_per_cluster} 家，达到推荐上限，不能再上报。"
        )


def _issue_certificate(application, now):
    # The campaign row is locked, so serials are assigned one at a time: gap-free, in call order.
    Campaign.objects.select_for_update().get(pk=application.campaign_id)
    last = Certificate.objects.filter(campaign_id=application.campaign_id).aggregate(m=Max("serial"))["m"] or 0
    serial = last + 1
    Certificate.objects.create(
        application=application,
        campaign_id=application.campaign_id,
        serial=serial,
        number=application.campaign.certificate_number(serial),
        issued_on=timezone.localdate(now),
    )


def perform_transition(*, application_id, action, actor, opinion="", internal_note="", now=None) -> ReviewRecord:
    """Take `action` on the application as `actor`, or raise TransitionRefused.

    Locks the application row, checks the table, role, jurisdiction and guards, changes the state,
    writes the append-only record with the signed data's hash and queues the notifications.
    """
    now = now or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused("不存在的操作。")
    try:
        with transaction.atomic():
            application = (
                applications_visible_to(actor)
                .select_for_update(of=("self",))
                .select_related("campaign", "cluster", "enterprise")
                .filter(pk=application_id)
                .first()
            )
            if application is None:
                raise Application.DoesNotExist
            if actor.role != transition.role:
                raise TransitionRefused("您的角色不能进行此操作。")
            if application.state not in transition.sources:
                raise TransitionRefused(
                    f"当前状态为「{application.get_state_display()}」，不能进行「{transition.label}」，请刷新页面。"
                )
            _check_guards(application, transition, opinion=opinion, now=now)
            if Guard.QUOTA in transition.guards:
                _take_quota_slot(application)
            from_state = application.state
            application.state = transition.target
            update_fields = ["state", "updated_at"]
            if action == "submit":
                application.submitted_at = now
                update_fields.append("submitted_at")
            application.save(update_fields=update_fields)
            if transition.target == State.AWARDED:
                _issue_certificate(application, now)
            record = ReviewRecord.objects.create(
                application=application,
                action=action,
                action_label=transition.label,
                from_state=from_state,
                to_state=transition.target,
                actor=actor,
                actor_name=actor.display_name,
                actor_role=actor.role,
                actor_unit=actor.unit,
                actor_unit_name=actor.unit.name if actor.unit else "",
                opinion=opinion.strip(),
                internal_note=internal_note.strip(),
                data_sha256=fingerprint(application),
            )
            audit(Event.TRANSITION, user=actor, obj=application, detail=f"{transition.label}：{from_state} → {transition.target}")
            transaction.on_commit(lambda: notify_transition(record.pk))
    except IntegrityError as error:  # the quota's CHECK constraint, should a racing writer slip past
        raise TransitionRefused("操作未能完成（名额或编号冲突），请刷新页面后重试。") from error
    return record
