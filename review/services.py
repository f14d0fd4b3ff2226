"""Every write of the review workflow. `perform_transition` is the one place an application's state changes.

STYLE.md: services write, selectors read; keyword-only, typed functions named `<entity>_<action>`; they take the
acting user, never the request, and raise `Refused` (a message for the user) when the domain says no.
"""

import datetime as dt
import math
import random
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from applications import eligibility
from applications.fields import VERIFIED_FIELDS
from applications.fingerprint import fingerprint
from applications.models import Application, State
from applications.selectors import applications_visible_to
from applications.services import record_conditions, store_conditions
from portal.audit.labels import action_label
from portal.audit.models import Event
from portal.audit.services import audit
from portal.dates import chinese_date, chinese_datetime
from portal.directory.models import Campaign, DeadlineLevel
from review.errors import ActionForbidden, Refused, TransitionRefused, VerificationChanged
from review.figures import figures_changed
from review.models import (
    Certificate,
    CountyVerification,
    CountyVerificationVersion,
    DeadlineExtension,
    Decision,
    Meeting,
    MeetingDecision,
    Notification,
    ReviewRecord,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckResult,
    VerificationVersionKind,
)
from review.notifications import notify_transition, unread_counts_forget
from review.selectors import meetings_visible_to, spot_checks_visible_to, transition_permission
from review.workflow import (
    RANKED_STATES,
    TRANSITIONS,
    Action,
    Step,
    checked_targets,
    objection_upheld,
    publicity_problem,
    repeated_ranks,
    verification_is_current,
)

# ---------------------------------------------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------------------------------------------


def perform_transition(
    *,
    application_id: int,
    action: str,
    actor,
    opinion: str = "",
    internal_note: str = "",
    return_targets: list[str] | tuple = (),
    expected_state: str | None = None,
    now: dt.datetime | None = None,
    details: dict | None = None,
) -> ReviewRecord:
    """Take `action` on the application as `actor`, or raise TransitionRefused.

    `details` carries what an action needs beyond the opinion (the 撤销依据, the objection handled …); effects may
    add what they made (the 复核 application) for the caller to read.

    Locks the application row, checks the table, role, jurisdiction and guards, changes the state,
    writes the append-only record with the signed data's hash and queues the notifications.
    `expected_state` is the state the actor saw: a second click or a stale page is refused, not repeated.
    `return_targets` (keys of applications.return_targets) say what a 退回修改 to the enterprise concerns.
    """
    try:
        return _perform_transition(
            application_id=application_id, action=action, actor=actor, opinion=opinion,
            internal_note=internal_note, return_targets=list(return_targets or ()), expected_state=expected_state,
            now=now or timezone.now(), details=details if details is not None else {},
        )
    except TransitionRefused as refusal:
        # Refusals are security-relevant (a crafted POST, an out-of-turn action): they are logged too.
        audit(
            Event.TRANSITION, user=actor, success=False,
            detail=f"申报 {application_id}「{action_label(action)}」未执行：{refusal}",
        )
        raise


def _locked_application(actor, application_id) -> Application:
    application = (
        applications_visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("campaign", "cluster", "enterprise")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Application.DoesNotExist
    return application


def _check_turn(step: Step, *, expected_state) -> None:
    """The table allows this action to this actor from the application's current state."""
    application, transition = step.application, step.transition
    if not step.actor.has_perm(transition_permission(transition.action), application):  # the table's role
        raise ActionForbidden("您的角色不能进行此操作。")
    if expected_state and application.state != expected_state:
        raise TransitionRefused(
            f"该申报已被办理，当前状态为「{application.get_state_display()}」，本次「{transition.label}」未重复执行。"
        )
    if application.state not in transition.sources:
        if transition.explains_state is not None:
            transition.explains_state(step)
        raise TransitionRefused(
            f"当前状态为「{application.get_state_display()}」，不能进行「{transition.label}」，请刷新页面。"
        )


def _record(step: Step, *, from_state, internal_note, return_targets) -> ReviewRecord:
    actor, transition = step.actor, step.transition
    return ReviewRecord.objects.create(
        application=step.application,
        action=transition.action,
        action_label=transition.label,
        from_state=from_state,
        to_state=transition.target,
        actor=actor,
        actor_name=actor.display_name,
        actor_role=actor.role,
        actor_unit=actor.unit,
        actor_unit_name=actor.unit.name if actor.unit else "",
        opinion=step.opinion.strip(),
        internal_note=internal_note.strip(),
        return_targets=return_targets,
        overridden=step.overridden,
        override_reason=step.override_reason,
        data_sha256=fingerprint(step.application),
    )


def _perform_transition(
    *, application_id, action, actor, opinion, internal_note, return_targets, expected_state, now, details
):
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionForbidden("不存在的操作。")
    return_targets = checked_targets(transition, return_targets)
    try:
        with transaction.atomic():
            application = _locked_application(actor, application_id)
            step = Step(
                application=application, transition=transition, actor=actor, opinion=opinion, now=now, details=details
            )
            _check_turn(step, expected_state=expected_state)
            for guard in transition.guards:
                guard(step)
            from_state = application.state
            application.state = transition.target
            for effect in transition.effects:
                effect(step)
            step.update_fields += record_conditions(application)
            application.save(update_fields=["state", "updated_at", *step.update_fields])
            record = _record(step, from_state=from_state, internal_note=internal_note, return_targets=return_targets)
            audit(
                Event.TRANSITION, user=actor, obj=application,
                detail=f"{transition.label}：{State(from_state).label} → {State(transition.target).label}"
                + (f"（{step.note}）" if step.note else "")
                + (f"；知悉不满足：{step.overridden}，理由：{step.override_reason}" if step.overridden else ""),
            )
            transaction.on_commit(lambda: notify_transition(record.pk))
            figures_changed(application.campaign_id)
    except IntegrityError as error:  # a CHECK or unique constraint an effect met, should a racing writer slip past
        raise TransitionRefused("操作未能完成（名额或编号冲突），请刷新页面后重试。") from error
    return record


# ---------------------------------------------------------------------------------------------------------------
# County: 核实情况证明
# ---------------------------------------------------------------------------------------------------------------

VERIFICATION_FIELDS = (*VERIFIED_FIELDS, "remarks")
KEPT_FIELDS = (*VERIFICATION_FIELDS, "condition_checks")


def _verifiable_application(actor, application_id, now) -> Application:
    application = applications_visible_to(actor).select_related("campaign").filter(pk=application_id).first()
    if application is None:
        raise Application.DoesNotExist
    if not actor.has_perm("review.verify_application", application):
        raise ActionForbidden("只有县级审核员可以填写核实情况证明。")
    if application.state != State.COUNTY_REVIEW:
        raise Refused(f"当前状态为「{application.get_state_display()}」，不能修改核实情况证明。")
    if application.campaign.deadline_passed("county", now):
        raise Refused(f"已超过县级初审截止时间（{chinese_date(application.campaign.county_deadline)} 23:59），不能修改。")
    return application


def _verification_create(application, actor, values) -> CountyVerification:
    try:
        with transaction.atomic():
            return CountyVerification.objects.create(application=application, verified_by=actor, version=1, **values)
    except IntegrityError:
        raise VerificationChanged("另一位审核员已先填写了核实情况证明，您的内容尚未保存，请核对后再保存。") from None


def _verification_update(application, actor, values, *, version, now) -> CountyVerification:
    updated = CountyVerification.objects.filter(application=application, version=version).update(
        **values, verified_by=actor, verified_at=now, version=F("version") + 1
    )
    if not updated:
        raise VerificationChanged("核实情况证明已被他人修改，您的内容尚未保存。请核对下方最新数据后再保存。")
    return CountyVerification.objects.get(application=application)


def _checked_conditions(checks: dict | None) -> dict:
    """The county's verdicts as stored: only the conditions it checks, 符合 / 不符合, a note required for 不符合."""
    kept = {}
    codes = [c.code for c in eligibility.COUNTY_CHECKED]
    for code, entry in (checks or {}).items():
        if code not in codes:
            raise Refused(f"条件 {code} 不由县级单独核实。")
        verdict, note = entry.get("verdict", ""), str(entry.get("note", "") or "").strip()[:500]
        if not verdict:
            continue
        if verdict not in (eligibility.MET, eligibility.UNMET):
            raise Refused(f"条件 {code} 的核实结论只能是「符合」或「不符合」。")
        if verdict == eligibility.UNMET and not note:
            raise Refused(f"条件 {code} 核实为「不符合」时须说明情况。")
        kept[code] = {"verdict": verdict, "note": note}
    return {code: kept[code] for code in codes if code in kept}


def _keep_version(application, verification, *, actor, kind, now) -> CountyVerificationVersion:
    return CountyVerificationVersion.objects.create(
        application=application, number=verification.version, kind=kind,
        **{name: getattr(verification, name) for name in KEPT_FIELDS},
        submitted_at=application.submitted_at, recorded_by=actor, recorded_by_name=actor.display_name,
        at=now,
    )


def county_verification_save(
    *, application_id: int, actor, data: dict, version: int, now: dt.datetime | None = None
) -> CountyVerification:
    """Create or update the county's 核实情况证明: the verified figures and its verdicts on the conditions it checks
    (data["condition_checks"]: {"B1": {"verdict": "met" | "unmet", "note": …}}). Each save is kept as a version.

    `version` is the one the form was opened with (0: none existed). The update is conditional on it, so of two
    officials saving at once the second is told (VerificationChanged) instead of silently overwriting the first.
    """
    now = now or timezone.now()
    application = _verifiable_application(actor, application_id, now)
    values = {name: data.get(name) for name in VERIFICATION_FIELDS}
    values["remarks"] = (values["remarks"] or "").strip()
    values["condition_checks"] = _checked_conditions(data.get("condition_checks"))
    with transaction.atomic():
        if version == 0:
            verification = _verification_create(application, actor, values)
        else:
            verification = _verification_update(application, actor, values, version=version, now=now)
        _keep_version(application, verification, actor=actor, kind=VerificationVersionKind.SAVED, now=now)
        figures_changed(application.campaign_id)  # 尚未填写核实情况证明 on the county's home page
    store_conditions(Application.objects.select_related("campaign", "enterprise").get(pk=application.pk))
    audit(Event.ADMIN_CHANGE, user=actor, obj=application, detail=f"核实情况证明第 {verification.version} 版")
    return verification


def county_verification_reconfirm(
    *, application_id: int, actor, version: int, now: dt.datetime | None = None
) -> CountyVerification:
    """确认核实情况无变化: after a return and resubmission, the county confirms its verification still holds for the
    data now submitted; kept as a version of its own (same figures and verdicts)."""
    now = now or timezone.now()
    application = _verifiable_application(actor, application_id, now)
    if not hasattr(application, "county_verification"):
        raise Refused("尚未填写核实情况证明，请先填写。")
    if verification_is_current(application):
        raise Refused("核实情况证明已是对本次提交的核实，无需再确认。")
    with transaction.atomic():
        updated = CountyVerification.objects.filter(application=application, version=version).update(
            verified_by=actor, verified_at=now, version=F("version") + 1
        )
        if not updated:
            raise VerificationChanged("核实情况证明已被他人修改，请核对最新内容后再确认。")
        verification = CountyVerification.objects.get(application=application)
        _keep_version(application, verification, actor=actor, kind=VerificationVersionKind.RECONFIRMED, now=now)
    audit(Event.ADMIN_CHANGE, user=actor, obj=application, detail=f"确认核实情况无变化（第 {verification.version} 版）")
    return verification


# ---------------------------------------------------------------------------------------------------------------
# City: 集群内推荐排序
# ---------------------------------------------------------------------------------------------------------------


def _final_city_ranks(in_cluster, ranks: dict[int, int | None]) -> dict[int, int | None]:
    """Every application's rank once `ranks` is applied; refused if one is no longer the city's or two share a rank."""
    awaiting = {a.pk for a in in_cluster if a.state == State.CITY_REVIEW}
    if not set(ranks) <= awaiting:
        raise Refused("部分申报已不在待市级审核状态，请刷新页面后重新排序。")
    final = {a.pk: ranks.get(a.pk, a.city_rank) if a.pk in awaiting else a.city_rank for a in in_cluster}
    duplicates = repeated_ranks(final.values())
    if duplicates:
        raise Refused("排序号不能重复：" + "、".join(str(r) for r in duplicates) + "。")
    return final


def application_set_city_ranks(
    *, actor, campaign, cluster_id: int, ranks: dict[int, int | None], now: dt.datetime | None = None
) -> int:
    """Store the city's 集群内推荐排序 for the cluster's applications awaiting the city; returns how many changed.

    Ranks must be unique inside the cluster (including those already forwarded, whose rank is frozen). Forwarding
    asks for the ranking to be complete and followed (review.workflow.cluster_ranked, forwarded_in_rank_order).
    """
    now = now or timezone.now()
    if not actor.has_perm("review.rank_applications"):
        raise ActionForbidden("只有市级审核员可以排序。")
    if campaign.deadline_passed("city", now):
        raise Refused(f"已超过市级审核截止时间（{chinese_date(campaign.city_deadline)} 23:59），不能再调整排序。")
    with transaction.atomic():
        in_cluster = list(
            applications_visible_to(actor)
            .select_for_update(of=("self",))
            .filter(campaign=campaign, cluster_id=cluster_id, state__in=RANKED_STATES)
            .only("id", "state", "city_rank")
        )
        final = _final_city_ranks(in_cluster, ranks)
        changed = [a for a in in_cluster if a.state == State.CITY_REVIEW and a.city_rank != final[a.pk]]
        for application in changed:
            # A plain UPDATE of one column: nothing the enterprise signed changes.
            Application.objects.filter(pk=application.pk).update(city_rank=final[application.pk])
        figures_changed(campaign.pk)  # 尚未排序 on the city's home page
    if changed:
        audit(Event.ADMIN_CHANGE, user=actor, detail=f"集群 {cluster_id} 推荐排序：{len(changed)} 家调整")
    return len(changed)


# ---------------------------------------------------------------------------------------------------------------
# Province: 抽查
# ---------------------------------------------------------------------------------------------------------------


def draw_sample(population: list[int], share_percent: int, seed: str) -> list[int]:
    """The sample for a seed: the same seed and population always give the same list (reproducible draw)."""
    ordered = sorted(population)
    size = min(len(ordered), math.ceil(len(ordered) * share_percent / 100)) if ordered else 0
    return random.Random(seed).sample(ordered, size)


def current_spot_check_draw(campaign) -> SpotCheckDraw | None:
    """The campaign's draw in force: the latest one (a redraw replaces the one before it)."""
    return SpotCheckDraw.objects.filter(campaign=campaign).order_by("-created_at", "-id").first()


def spot_check_draw(
    *, actor, campaign, share_percent: int, seed: str | None = None, reason: str = ""
) -> SpotCheckDraw:
    """抽查: draw `share_percent` % of the applications awaiting the province, store seed and list, one check each.

    One draw per campaign: drawing again needs a reason; the earlier draw and its checks are kept.
    """
    if not actor.has_perm("review.manage_spot_checks"):
        raise ActionForbidden("只有省级审核员可以抽查。")
    if not 1 <= share_percent <= 100:
        raise Refused("抽查比例须在 1% 到 100% 之间。")
    reason = reason.strip()
    population = sorted(
        applications_visible_to(actor)
        .filter(campaign=campaign, state=State.PROVINCE_REVIEW)
        .values_list("pk", flat=True)
    )
    if not population:
        raise Refused("目前没有待省级审定的申报，无法抽查。")
    seed = seed or secrets.token_hex(16)
    drawn = draw_sample(population, share_percent, seed)
    with transaction.atomic():
        Campaign.objects.select_for_update().get(pk=campaign.pk)  # two provinces drawing at once: one waits
        previous = current_spot_check_draw(campaign)
        if previous is not None and not reason:
            raise Refused("本批次已抽查过一次。重新抽取须填写理由，原抽查结果仍保留。")
        draw = SpotCheckDraw.objects.create(
            campaign=campaign, share_percent=share_percent, seed=seed, population=population, drawn=drawn,
            created_by=actor, replaces=previous, redraw_reason=reason if previous is not None else "",
        )
        SpotCheck.objects.bulk_create([SpotCheck(draw=draw, application_id=pk) for pk in drawn])
        detail = f"抽查 {share_percent}%：{len(drawn)}/{len(population)} 家"
        if previous is not None:
            detail = f"重新抽查（替换 {chinese_datetime(previous.created_at)} 的抽查）{share_percent}%：{len(drawn)}/{len(population)} 家；理由：{reason}"
        audit(Event.ADMIN_CHANGE, user=actor, obj=draw, detail=detail)
    return draw


@dataclass(frozen=True)
class SampleReplay:
    """The sample recomputed from a draw's stored seed and population, and whether it is the stored one."""

    recomputed: list[int]
    stored: list[int]

    @property
    def matches(self) -> bool:
        return self.recomputed == self.stored


def spot_check_replay(draw: SpotCheckDraw) -> SampleReplay:
    """Replay the stored seed over the stored population: the same list shows the draw was not altered."""
    return SampleReplay(
        recomputed=draw_sample(list(draw.population), draw.share_percent, draw.seed), stored=list(draw.drawn)
    )


def spot_check_record(
    *, actor, check_id: int, result: str, notes: str = "", record_file=None, now: dt.datetime | None = None
) -> SpotCheck:
    """Record one check's result (符合 / 不符合), notes and an optional checked file (PDF/JPG/PNG by content)."""
    from applications.uploads import UploadRefused, validate_upload

    if not actor.has_perm("review.manage_spot_checks"):
        raise ActionForbidden("只有省级审核员可以记录抽查结果。")
    if result not in (SpotCheckResult.PASS, SpotCheckResult.FAIL):
        raise Refused("请选择抽查结果：符合或不符合。")
    if result == SpotCheckResult.FAIL and not notes.strip():
        raise Refused("抽查结果为「不符合」时须填写抽查情况。")
    check = spot_checks_visible_to(actor).select_related("application").get(pk=check_id)
    check.result = result
    check.notes = notes.strip()
    check.checked_by = actor
    check.checked_at = now or timezone.now()
    if record_file is not None:
        try:
            checked = validate_upload(record_file)
        except UploadRefused as refusal:
            raise Refused(str(refusal)) from None
        check.record_file.save("check", ContentFile(checked.upload.read()), save=False)
        check.record_sha256 = checked.sha256
    check.save()
    audit(Event.UPLOAD if record_file else Event.ADMIN_CHANGE, user=actor, obj=check.application,
          detail=f"抽查结果：{check.get_result_display()}")
    return check


# ---------------------------------------------------------------------------------------------------------------
# Province: 会议研究, 认定, 通报公布
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    application_id: int
    decision: str  # Decision value, or "" to remove the application from the meeting
    rank: int | None = None
    note: str = ""


def meeting_create(*, actor, campaign, name: str, held_on: dt.date, minutes_number: str) -> Meeting:
    if not actor.has_perm("review.manage_meetings"):
        raise ActionForbidden("只有省级审核员可以创建会议研究。")
    meeting = Meeting.objects.create(
        campaign=campaign, name=name.strip(), held_on=held_on, minutes_number=minutes_number.strip(), created_by=actor
    )
    audit(Event.ADMIN_CHANGE, user=actor, obj=meeting, detail=f"创建会议研究：{meeting.name}")
    return meeting


def _open_meeting_for_update(actor, meeting_id) -> Meeting:
    if not actor.has_perm("review.manage_meetings"):
        raise ActionForbidden("只有省级审核员可以办理会议研究。")
    meeting = meetings_visible_to(actor).select_for_update().get(pk=meeting_id)
    if meeting.is_closed:
        raise Refused("会议已结束，会议结论已锁定，不能再修改。")
    return meeting


def _check_decidable(actor, meeting, ids) -> None:
    """Every application awaits the province in the meeting's campaign and no other meeting decided it."""
    pending = set(
        applications_visible_to(actor)
        .filter(pk__in=ids, campaign_id=meeting.campaign_id, state=State.PROVINCE_REVIEW)
        .values_list("pk", flat=True)
    )
    if set(ids) - pending:
        raise Refused("部分申报已不在待省级审定状态，请刷新页面。")
    if MeetingDecision.objects.filter(application_id__in=ids).exclude(meeting=meeting).exists():
        raise Refused("部分申报已在其他会议中作出结论，不能重复研究。")


def _check_decisions(meeting, ids, kept: list[DecisionInput]) -> None:
    """Each decision is 认定 (with a rank) or 不予认定, and no two 认定 share a rank in the meeting."""
    for d in kept:
        if d.decision not in Decision.values:
            raise Refused("会议结论只能是「认定」或「不予认定」。")
        if d.decision == Decision.AWARD and not d.rank:
            raise Refused("认定的企业须填写认定排序。")
    other_ranks = list(meeting.decisions.exclude(application_id__in=ids).exclude(rank=None).values_list("rank", flat=True))
    duplicates = repeated_ranks(other_ranks + [d.rank for d in kept])
    if duplicates:
        raise Refused("认定排序不能重复：" + "、".join(str(r) for r in duplicates) + "。")


def meeting_save_decisions(*, actor, meeting_id: int, decisions: list[DecisionInput]) -> Meeting:
    """Record 认定 / 不予认定 and the final ranking for applications awaiting the province; refused once closed."""
    with transaction.atomic():
        meeting = _open_meeting_for_update(actor, meeting_id)
        ids = [d.application_id for d in decisions]
        _check_decidable(actor, meeting, ids)
        kept = {d.application_id: d for d in decisions if d.decision}
        _check_decisions(meeting, ids, list(kept.values()))
        meeting.decisions.filter(application_id__in=ids).delete()
        MeetingDecision.objects.bulk_create(
            [
                MeetingDecision(
                    meeting=meeting, application_id=d.application_id, decision=d.decision,
                    rank=d.rank if d.decision == Decision.AWARD else None, note=d.note.strip()[:200],
                )
                for d in kept.values()
            ]
        )
    audit(Event.ADMIN_CHANGE, user=actor, obj=meeting, detail=f"会议结论：{len(kept)} 家")
    return meeting


def meeting_close(*, actor, meeting_id: int, now: dt.datetime | None = None) -> Meeting:
    """End the meeting: from now on its decisions are frozen and 认定 can be carried out."""
    with transaction.atomic():
        meeting = _open_meeting_for_update(actor, meeting_id)
        if not meeting.decisions.exists():
            raise Refused("会议尚未作出任何结论，不能结束。")
        meeting.closed_at = now or timezone.now()
        meeting.save(update_fields=["closed_at"])
    audit(Event.ADMIN_CHANGE, user=actor, obj=meeting, detail="会议结束，结论锁定")
    return meeting


def meeting_award(
    *, actor, meeting_id: int, now: dt.datetime | None = None, override_reasons: dict[int, str] | None = None
) -> list[ReviewRecord]:
    """认定: carry out a closed meeting's decisions, awards in ranking order (certificate numbers follow it), then
    the declines. All or nothing: if one application cannot be moved, none is.

    `override_reasons` ({application id: reason}) are the reasons the province gave, having confirmed it knows, for
    awarding an application that fails a condition or its 抽查 (the AWARD guard reason_recorded asks for them)."""
    override_reasons = override_reasons or {}
    if not actor.has_perm("review.carry_out_awards"):
        raise ActionForbidden("只有省级审核员可以认定。")
    now = now or timezone.now()
    with transaction.atomic():
        meeting = meetings_visible_to(actor).select_for_update().get(pk=meeting_id)
        if not meeting.is_closed:
            raise Refused("会议尚未结束，请先结束会议（锁定结论）再认定。")
        if meeting.awarded_at:
            raise Refused("该会议的结论已认定，不能重复认定。")
        decisions = list(meeting.decisions.select_related("application__campaign", "application__enterprise"))
        ordered = sorted(
            decisions, key=lambda d: (d.decision != Decision.AWARD, d.rank if d.rank is not None else 10**6, d.pk)
        )
        records = []
        for decision, (action, opinion) in zip(ordered, _award_actions(ordered, now), strict=True):
            try:
                records.append(
                    perform_transition(
                        application_id=decision.application_id, action=action, actor=actor,
                        opinion=f"经{meeting.name}研究（{meeting.minutes_number}），{opinion}", now=now,
                        details={"override_reason": override_reasons.get(decision.application_id, "")},
                    )
                )
            except Application.DoesNotExist:
                raise Refused(f"申报 {decision.application_id} 不存在或无权办理。") from None
            except ActionForbidden:
                raise
            except TransitionRefused as refusal:
                raise TransitionRefused(f"「{decision.application.enterprise.name}」：{refusal}") from None
        meeting.awarded_at = now
        meeting.save(update_fields=["awarded_at"])
    return records


def _award_actions(decisions, now) -> list[tuple[str, str]]:
    """What 认定 does with each decision: the meeting's conclusion, or 不予认定 where a 公示 objection was upheld.

    Refused as a whole while any 公示 still runs or any objection is still open: the list is decided at once.
    """
    actions, waiting = [], []
    for decision in decisions:
        application = decision.application
        action, opinion = decision.decision, f"{decision.get_decision_display()}。" + (decision.note or "")
        if decision.decision == Decision.AWARD and objection_upheld(application):
            action, opinion = Decision.DECLINE, "拟认定名单公示期间异议成立，不予认定。"
        elif decision.decision == Decision.AWARD and (problem := publicity_problem(application, now)) is not None:
            waiting.append(f"「{application.enterprise.name}」：{problem}")
        actions.append((action, opinion))
    if waiting:
        raise Refused("暂不能认定。" + "；".join(waiting[:5]))
    return actions


def campaign_publish_results(*, actor, campaign, now: dt.datetime | None = None) -> Campaign:
    """通报公布: the public list shows every application awarded up to this moment."""
    if not actor.has_perm("review.publish_results"):
        raise ActionForbidden("只有省级审核员可以通报公布。")
    if not Application.objects.filter(campaign=campaign, state=State.AWARDED).exists():
        raise Refused("本批次尚无已认定的企业，无法通报公布。")
    campaign.results_published_at = now or timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(results_published_at=campaign.results_published_at)
    figures_changed(campaign.pk)  # 已认定未通报 on the province's pages
    audit(Event.ADMIN_CHANGE, user=actor, obj=campaign, detail="通报公布认定结果")
    return campaign


def certificate_revoke(
    *, certificate, actor, reason: str, basis: str, ground: str = "other", now: dt.datetime | None = None
) -> Certificate:
    """撤销称号: the certificate leaves the published list (public page and 通报) and the verify page says 已撤销.

    The REVOKE transition of the table: who, when, why, the 撤销事由 and the decision document are kept on the
    certificate, in the review record and in the audit log; the number is never reused.
    """
    if not actor.has_perm("review.revoke_certificates", certificate):
        raise ActionForbidden("只有省级审核员可以撤销证书。")
    current = Certificate.objects.get(pk=certificate.pk)
    # A re-issued copy names no application to act on; everything else (the reason, the 撤销依据, a certificate
    # no longer in force) is answered by the table's guards.
    if current.application_id is None:
        raise Refused(f"证书 {current.number} 已换发，请撤销现行证书。")
    perform_transition(
        application_id=current.application_id, action=Action.REVOKE, actor=actor, opinion=reason, now=now,
        details={"ground": ground, "basis": basis},
    )
    return Certificate.objects.get(pk=certificate.pk)


def campaign_extend_deadline(*, actor, campaign_id: int, level: str, new_date: dt.date, reason: str) -> DeadlineExtension:
    """Move one of the campaign's deadlines later (never earlier) and record who, why and from when."""
    if not actor.has_perm("review.extend_deadlines"):
        raise ActionForbidden("只有省级审核员可以延长截止日期。")
    if level not in DeadlineLevel.values:
        raise Refused("请选择要延长的截止日期。")
    if not reason.strip():
        raise Refused("请填写延期理由。")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        old_date = campaign.deadline(level)
        if new_date <= old_date:
            raise Refused(f"新的截止日期须晚于原截止日期（{chinese_date(old_date)}）。")
        later = {DeadlineLevel.ENTERPRISE: DeadlineLevel.COUNTY, DeadlineLevel.COUNTY: DeadlineLevel.CITY}.get(level)
        if later is not None and new_date > campaign.deadline(later):
            # The deadlines follow the review (enterprise ≤ county ≤ city, Campaign.deadline_order_errors).
            raise Refused(
                f"新的{DeadlineLevel(level).label}日期不能晚于{DeadlineLevel(later).label}日期"
                f"（{chinese_date(campaign.deadline(later))}）：请先延长{DeadlineLevel(later).label}日期。"
            )
        Campaign.objects.filter(pk=campaign.pk).update(**{f"{level}_deadline": new_date})
        extension = DeadlineExtension.objects.create(
            campaign=campaign, level=level, old_date=old_date, new_date=new_date, reason=reason.strip(), by=actor
        )
    audit(
        Event.ADMIN_CHANGE, user=actor, obj=campaign,
        detail=f"{DeadlineLevel(level).label}：{chinese_date(old_date)} → {chinese_date(new_date)}",
    )
    return extension


# ---------------------------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------------------------


def notifications_mark_read(*, user, ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Mark the user's notifications read (all unread ones, or only `ids`)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=now or timezone.now())
    if marked:
        unread_counts_forget([user.pk])
    return marked

