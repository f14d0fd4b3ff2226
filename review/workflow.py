"""The workflow as data: (state, action) → (next state, role, guards, effects). review.services performs it.

Guards and effects are named functions of one `Step` (the locked application, the transition, the actor, the
opinion and the time). A guard refuses with TransitionRefused and writes nothing; an effect runs after the
guards, inside the same transaction, once the new state is set and before it is saved (so an effect may
still refuse and roll everything back, as the quota does when a parallel forward took the last slot).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

from django.db.models import F, Max
from django.utils import timezone

from applications import eligibility
from applications.completeness import missing_items
from applications.models import Application, State
from applications.return_targets import TARGETS
from applications.selectors import applications_visible_to
from portal.accounts.models import Role
from portal.dates import chinese_date
from portal.directory.models import Campaign, CampaignState
from review.errors import TransitionRefused
from review.models import (
    Certificate,
    CertificateStatus,
    ClusterQuota,
    Decision,
    MeetingDecision,
    ObjectionOutcome,
    RevocationGround,
    SpotCheckResult,
    validity_end,
)


class Action:
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    COUNTY_PASS = "county_pass"  # noqa: S105 - an action name, not a password
    COUNTY_RETURN = "county_return"
    COUNTY_REJECT = "county_reject"
    CITY_FORWARD = "city_forward"
    CITY_WITHDRAW_FORWARD = "city_withdraw_forward"
    CITY_RETURN_TO_COUNTY = "city_return_county"
    CITY_RETURN_TO_ENTERPRISE = "city_return_enterprise"
    CITY_REJECT = "city_reject"
    PROVINCE_RETURN_TO_CITY = "province_return_city"
    AWARD = "award"
    DECLINE = "decline"
    # After the meeting: the title's life (titles/ offers them on its pages).
    PUBLICIZE = "publicize"
    HANDLE_OBJECTION = "handle_objection"
    REVOKE = "revoke"
    REISSUE = "reissue"
    RENEW = "renew"


# The returns: each sends the application back to an earlier level with the opinion of the level that returned it.
RETURN_ACTIONS = frozenset(
    {Action.COUNTY_RETURN, Action.CITY_RETURN_TO_COUNTY, Action.CITY_RETURN_TO_ENTERPRISE, Action.PROVINCE_RETURN_TO_CITY}
)
# What the city has sent on (its 推荐顺序 is frozen there), and what it ranks: those plus those it still reviews.
FORWARDED_STATES = (State.PROVINCE_REVIEW, State.AWARDED, State.NOT_AWARDED)
RANKED_STATES = (State.CITY_REVIEW, *FORWARDED_STATES)


@dataclass
class Step:
    """One transition being performed: what guards read and effects change."""

    application: Application
    transition: "Transition"
    actor: object
    opinion: str
    now: dt.datetime
    update_fields: list = field(default_factory=list)  # application fields an effect changed
    details: dict = field(default_factory=dict)  # what an action needs beyond the opinion (e.g. 撤销依据)
    note: str = ""  # what an effect did, for the audit entry (e.g. the certificate's number)
    # A decision taken against failing conditions (reason_recorded): what was acknowledged ("A5、E1") and why.
    overridden: str = ""
    override_reason: str = ""


# Guards ---------------------------------------------------------------------------------------------------------


def _deadline(level: str):
    def guard(step: Step) -> None:
        campaign = step.application.campaign
        if campaign.deadline_passed(level, step.now):
            raise TransitionRefused(
                f"已超过截止时间（{chinese_date(campaign.deadline(level))} 23:59），不能再进行此操作。"
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
        raise TransitionRefused(step.transition.opinion_prompt or f"「{step.transition.label}」须填写意见或理由。")


def county_verified(step: Step) -> None:
    if not hasattr(step.application, "county_verification"):
        raise TransitionRefused("初审通过前须先填写县级核实情况证明。")


def verification_current(step: Step) -> None:
    """The 核实情况证明 was made (or re-confirmed) for the submission now under review, not an earlier one."""
    if not verification_is_current(step.application):
        raise TransitionRefused(
            "企业退回修改后已重新提交，现有核实情况证明是对此前提交内容的核实。初审通过前须重新核实并保存，"
            "或在核实情况证明页面点击「确认核实情况无变化」。"
        )


def verification_is_current(application) -> bool:
    latest = application.verification_versions.order_by("-number").first()
    if latest is not None:
        return latest.submitted_at == application.submitted_at
    # A verification saved before versions were kept: current if made after the last submission.
    verification = getattr(application, "county_verification", None)
    return verification is None or application.submitted_at is None or verification.verified_at >= application.submitted_at


SPOT_CHECK_FAILED = "抽查不符合"
HARD_CODES = frozenset(c.code for c in eligibility.CONDITIONS if c.hard)
CONDITION_TITLES = {c.code: c.title for c in eligibility.CONDITIONS}


def failures_against(action: str, unmet_codes, spot_check_results) -> list[tuple[str, str]]:
    """What deciding `action` in the application's favour goes against: (code, title) of each unmet condition (for
    认定, each unmet hard condition, the county's and city's reasons being on record for the others) and, for 认定,
    a 抽查 found 不符合. The guard reads the conditions afresh; a page may pass the stored codes of its rows."""
    if action != Action.AWARD:
        return [(code, CONDITION_TITLES[code]) for code in unmet_codes]
    failures = [(code, CONDITION_TITLES[code]) for code in unmet_codes if code in HARD_CODES]
    if SpotCheckResult.FAIL in spot_check_results:
        failures.append((SPOT_CHECK_FAILED, "省级抽查结果为不符合"))
    return failures


def decision_failures(application, action: str) -> list[tuple[str, str]]:
    unmet = [v.code for v in eligibility.current_verdicts(application) if v.status == eligibility.UNMET]
    return failures_against(action, unmet, set(application.spot_checks.values_list("result", flat=True)))


def reason_recorded(step: Step) -> None:
    """初审通过, 审核通过并上报 and 认定 against a failing condition are recorded decisions: the official confirms and
    gives the reason (details['override_reason']); it is kept in the review record and printed with the opinion."""
    failures = decision_failures(step.application, step.transition.action)
    if not failures:
        return
    reason = str(step.details.get("override_reason", "") or "").strip()
    if not reason:
        listed = "、".join(code if code == SPOT_CHECK_FAILED else f"{code}（{title}）" for code, title in failures)
        where = "会议研究页面" if step.transition.page == "meeting" else "申报页面的「办理」栏"
        raise TransitionRefused(
            f"以下条件不满足：{listed}。如仍决定「{step.transition.label}」，须在{where}确认已知悉并填写理由。"
        )
    step.overridden = "、".join(code for code, _ in failures)
    step.override_reason = reason[:2000]


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


def cluster_quota_use(application) -> tuple[int, int]:
    """(used, limit) of the application's cluster in its campaign.

    A list that loaded its clusters' quotas in one query sets them on its rows (`quota_use`), so asking every
    row costs no query; a transition reads the locked application, which has none, so it reads the database
    (and take_quota_slot's conditional UPDATE has the last word).
    """
    known = getattr(application, "quota_use", None)
    if known is not None:
        return known
    quota = ClusterQuota.objects.filter(campaign_id=application.campaign_id, cluster_id=application.cluster_id).first()
    return (quota.used, quota.quota) if quota else (0, application.campaign.quota_per_cluster)


def cluster_has_free_slot(step: Step) -> None:
    application = step.application
    if not takes_quota(application):
        return
    used, limit = cluster_quota_use(application)
    if used >= limit:
        raise _quota_full(application)


def _cluster_ranking(step: Step):
    """The applications of the step's cluster and campaign the city ranks, as the acting city sees them."""
    application = step.application
    return applications_visible_to(step.actor).filter(
        campaign_id=application.campaign_id, cluster_id=application.cluster_id, state__in=RANKED_STATES
    )


def repeated_ranks(ranks) -> list[int]:
    """The ranks given more than once (empty ranks aside), in order."""
    used = [r for r in ranks if r is not None]
    return sorted({r for r in used if used.count(r) > 1})


def _names(names: list[str], limit: int = 3) -> str:
    shown = "、".join(f"「{name}」" for name in names[:limit])
    return shown + (f"等 {len(names)} 家" if len(names) > limit else "")


def cluster_ranked(step: Step) -> None:
    """The city ranks every application of the cluster it still reviews, each with its own number, before
    forwarding any: the 推荐顺序 then means the same on the page, in the 推荐文件 and in the 汇总表."""
    cluster = step.application.cluster
    rows = list(_cluster_ranking(step).values_list("state", "city_rank", "enterprise__name"))
    waiting = [(rank, name) for state, rank, name in rows if state == State.CITY_REVIEW]
    unranked = [name for rank, name in waiting if rank is None]
    if unranked:
        raise TransitionRefused(
            f"上报前须先为「{cluster.name}」的全部 {len(waiting)} 件待市级审核申报填写推荐排序并保存"
            f"（尚未排序：{_names(unranked)}）。"
        )
    repeated = repeated_ranks(rank for _, rank, _ in rows)
    if repeated:
        raise TransitionRefused(
            f"「{cluster.name}」的推荐排序号重复（{'、'.join(map(str, repeated))}），请调整排序后再上报。"
        )


def forwarded_in_rank_order(step: Step) -> None:
    """Forwards follow the ranking: the next forward is the lowest rank not yet forwarded, so those forwarded are
    numbered 1, 2, 3 … without a gap."""
    ranking = _cluster_ranking(step)
    taken = set(ranking.filter(state__in=FORWARDED_STATES).values_list("city_rank", flat=True))
    next_rank = next(n for n in count(1) if n not in taken)
    if step.application.city_rank == next_rank:
        return
    holder = (
        ranking.filter(state=State.CITY_REVIEW, city_rank=next_rank).values_list("enterprise__name", flat=True).first()
    )
    if holder:
        raise TransitionRefused(f"须按推荐排序依次上报：下一家应为推荐排序第 {next_rank} 位的「{holder}」。")
    raise TransitionRefused(
        f"须按推荐排序依次上报：推荐排序第 {next_rank} 位尚无申报，请先调整排序（从 1 起连续编号）。"
    )


def province_not_acted(step: Step) -> None:
    """The province has not yet worked on the application: no 抽查 result, no meeting decision, no 公示."""
    application = step.application
    acted = (
        ("记录了抽查结果", application.spot_checks.exclude(result="").exists()),
        ("作出了会议研究结论", MeetingDecision.objects.filter(application_id=application.pk).exists()),
        ("将其列入拟认定名单公示", getattr(application, "publicity_entry", None) is not None),
    )
    for what, done in acted:
        if done:
            raise TransitionRefused(f"省级已{what}，不能再「{step.transition.label}」。")


def _meeting_decided(wanted: str, name: str):
    def guard(step: Step) -> None:
        decision = getattr(step.application, "meeting_decision", None)
        if decision is None or not decision.meeting.is_closed or decision.decision != wanted:
            raise TransitionRefused("须先在已结束的会议研究中作出结论。")

    guard.__name__ = guard.__qualname__ = name
    return guard


meeting_decided_award = _meeting_decided(Decision.AWARD, "meeting_decided_award")
_meeting_decided_decline = _meeting_decided(Decision.DECLINE, "meeting_decided_decline")


def objection_upheld(application) -> bool:
    entry = getattr(application, "publicity_entry", None)
    return entry is not None and entry.objections.filter(outcome=ObjectionOutcome.UPHELD).exists()


def meeting_declined_or_objection_upheld(step: Step) -> None:
    """不予认定 follows the meeting's conclusion, or an objection to the 公示 the province upheld."""
    if not objection_upheld(step.application):
        _meeting_decided_decline(step)


def publicity_problem(application, now: dt.datetime | None = None) -> str | None:
    """Why 认定 of `application` must wait or cannot happen because of its 公示; None when it may proceed."""
    if not application.campaign.publicity_required:
        return None
    entry = getattr(application, "publicity_entry", None)
    if entry is None:
        return "认定前须公示拟认定名单：请先发布公示。"
    if not entry.publicity.has_ended(now):
        return f"拟认定名单公示期至{chinese_date(entry.publicity.ends_on)}，公示期满后方可认定。"
    outcomes = set(entry.objections.values_list("outcome", flat=True))
    if ObjectionOutcome.OPEN in outcomes:
        return "公示期间收到的异议尚未处理完毕，处理后方可认定。"
    if ObjectionOutcome.UPHELD in outcomes:
        return "公示期间对该企业的异议成立，不能认定。"
    return None


def publicity_cleared(step: Step) -> None:
    if (problem := publicity_problem(step.application, step.now)) is not None:
        raise TransitionRefused(problem)


def not_yet_publicized(step: Step) -> None:
    if getattr(step.application, "publicity_entry", None) is not None:
        raise TransitionRefused("该企业已在拟认定名单公示中。")


def objection_open(step: Step) -> None:
    objection = step.details.get("objection")
    if objection is None or objection.entry.application_id != step.application.pk:
        raise TransitionRefused("没有该异议。")
    if step.details.get("outcome") not in (ObjectionOutcome.UPHELD, ObjectionOutcome.DISMISSED):
        raise TransitionRefused("请选择处理结果：异议成立或异议不成立。")


def certificate_in_force(step: Step) -> None:
    certificate = getattr(step.application, "certificate", None)
    if certificate is not None and certificate.revoked_at is not None:
        raise TransitionRefused(f"证书 {certificate.number} 已于 {chinese_date(certificate.revoked_at)} 撤销。")
    if certificate is None or certificate.status(timezone.localdate(step.now)) != CertificateStatus.VALID:
        shown = certificate.status_label(timezone.localdate(step.now)) if certificate else "无证书"
        raise TransitionRefused(f"证书当前状态为{shown}，不能办理。")


def revocation_grounds_given(step: Step) -> None:
    if step.details.get("ground") not in RevocationGround.values:
        raise TransitionRefused("请选择撤销事由。")
    if not str(step.details.get("basis", "")).strip():
        raise TransitionRefused("请填写撤销依据（如省局决定文号）。")


def renewal_possible(step: Step) -> None:
    if (problem := renewal_problem(step.application, step.details.get("campaign"), step.now)) is not None:
        raise TransitionRefused(problem)


RENEWAL_WINDOW_DAYS = 365


def renewal_problem(title, campaign, now: dt.datetime | None = None) -> str | None:
    """Why the holder of `title` (an awarded application) cannot apply for 复核 in `campaign` now; None if it can."""
    today = timezone.localdate(now)
    certificate = getattr(title, "certificate", None)
    if title.state != State.AWARDED or certificate is None or certificate.status(today) != CertificateStatus.VALID:
        return "只有有效期内的称号可以申请复核。"
    if (certificate.expires_on - today).days > RENEWAL_WINDOW_DAYS:
        return f"称号有效期至{chinese_date(certificate.expires_on)}，到期前一年内方可申请复核。"
    if campaign is None or campaign.state != CampaignState.OPEN or campaign.deadline_passed("enterprise", now):
        return "目前没有开放申报的批次，请在下一批次开放后申请复核。"
    if title.campaign_id == campaign.pk:
        return "称号所属批次与本批次相同，不能在本批次复核。"
    other = title.enterprise.applications.filter(campaign=campaign).exclude(renews=title).first()
    if other is not None:
        return f"贵企业已有{campaign.year}年度的申报，请在该申报中完成，或联系县级主管部门。"
    return None


# Effects --------------------------------------------------------------------------------------------------------


def stamp_submission(step: Step) -> None:
    """The time of this submission and, at the first one, the 申报编号, the reviewing county and the reviewing city
    (kept on resubmission: the enterprise's county and that county's routing at the first submission decide who
    reviews it)."""
    application = step.application
    application.submitted_at = step.now
    step.update_fields.append("submitted_at")
    if not application.filing_number:
        application.filing_number = next_filing_number(application)
        step.update_fields.append("filing_number")
    if application.reviewing_county_id is None:
        application.reviewing_county_id = application.enterprise.county_id
        step.update_fields.append("reviewing_county")
    if application.reviewing_city_id is None:
        application.reviewing_city_id = application.enterprise.county.reviewing_city_id
        step.update_fields.append("reviewing_city")


def next_filing_number(application) -> str:
    """申报编号 `<year>-<county code>-<sequence>`: the county's next number in the campaign.

    The campaign row is locked (as for certificates), so two submissions never draw the same number; the
    constraint filing_number_unique_per_campaign backs it up.
    """
    Campaign.objects.select_for_update().get(pk=application.campaign_id)
    prefix = f"{application.campaign.year}-{application.enterprise.county_id}-"
    last = (
        Application.objects.filter(campaign_id=application.campaign_id, filing_number__startswith=prefix)
        .order_by("-filing_number")
        .values_list("filing_number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


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


def release_quota_slot(step: Step) -> None:
    """Give the cluster's slot back when a forward is undone, with a single conditional UPDATE (never below 0)."""
    application = step.application
    if not takes_quota(application):
        return
    released = ClusterQuota.objects.filter(
        campaign_id=application.campaign_id, cluster_id=application.cluster_id, used__gt=0
    ).update(used=F("used") - 1)
    if released:
        step.note = f"「{application.cluster.name}」推荐名额释放 1 个"


def leave_city_ranking(step: Step) -> None:
    """An application the city sends back or rejects leaves its ranking: if it comes back, the city ranks it anew
    (a stale number would collide with the ranking made meanwhile)."""
    if step.application.city_rank is not None:
        step.application.city_rank = None
        step.update_fields.append("city_rank")


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


def record_objection_finding(step: Step) -> None:
    objection = step.details["objection"]
    objection.outcome = step.details["outcome"]
    objection.handling_reason = step.opinion.strip()
    objection.handled_by = step.actor
    objection.handled_at = step.now
    objection.save(update_fields=["outcome", "handling_reason", "handled_by", "handled_at"])
    step.note = f"异议 {objection.reference}：{objection.get_outcome_display()}"


def revoke_certificate(step: Step) -> None:
    """The certificate reads 已撤销 from now on; it leaves the published list (public page, 通报)."""
    certificate = step.application.certificate
    certificate.revoked_at = step.now
    certificate.revoked_by = step.actor
    certificate.revocation_ground = step.details["ground"]
    certificate.revoked_basis = str(step.details["basis"]).strip()[:200]
    certificate.revoked_reason = step.opinion.strip()[:200]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_ground", "revoked_basis", "revoked_reason"])
    step.note = f"证书 {certificate.number}，{certificate.get_revocation_ground_display()}，依据 {certificate.revoked_basis}"


def reissue_certificate(step: Step) -> None:
    """A new number (第001号-1) with the same validity; the old certificate reads 已换发."""
    application = step.application
    old = Certificate.objects.select_for_update().get(pk=application.certificate.pk)
    index = (
        Certificate.objects.filter(campaign_id=old.campaign_id, serial=old.serial).aggregate(m=Max("reissue_index"))["m"]
        + 1
    )
    old.application = None  # the application's current certificate becomes the new one
    old.save(update_fields=["application"])
    new = Certificate.objects.create(
        application=application,
        issued_for=application,
        campaign_id=old.campaign_id,
        serial=old.serial,
        reissue_index=index,
        number=f"{application.campaign.certificate_number(old.serial)}-{index}",
        issued_on=timezone.localdate(step.now),
        expires_on=old.expires_on,
    )
    old.replaced_by, old.replaced_at, old.reissue_reason = new, step.now, step.opinion.strip()[:200]
    old.save(update_fields=["replaced_by", "replaced_at", "reissue_reason"])
    application.certificate = new
    step.note = f"证书 {old.number} 换发为 {new.number}"


def start_renewal(step: Step) -> None:
    """复核: a prefilled application of the same enterprise in the open campaign, marked as renewing this title."""
    from applications.services import application_start

    title, campaign = step.application, step.details["campaign"]
    renewal = application_start(enterprise=title.enterprise, campaign=campaign, actor=step.actor, renews=title)
    step.details["renewal"] = renewal
    step.note = f"{campaign.year}年度复核申请 {renewal.pk}"


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
    # Where the action is taken: the application's page offers only "application"; the others have their own
    # page (the meeting's 认定, the 公示 and its objections, the certificate, the holder's 我的称号).
    page: str = "application"
    # Only a return to the enterprise points at what to fix (applications.return_targets): see checked_targets.
    points_at_fixes: bool = False
    # What opinion_given says when the opinion is missing, where the default (「label」须填写意见或理由) is not it.
    opinion_prompt: str = ""
    # A guard asked when the application is in none of the sources, so that the refusal names the state of what
    # the action concerns (证书已于…撤销) rather than the application's.
    explains_state: Check | None = None


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
            (county_deadline_not_passed, county_verified, verification_current, reason_recorded), "btn-success",
        ),
        Transition(
            Action.COUNTY_RETURN, "退回修改", frozenset({State.COUNTY_REVIEW}), State.RETURNED, Role.COUNTY,
            (county_deadline_not_passed, opinion_given), "btn-warning", points_at_fixes=True,
        ),
        Transition(
            Action.COUNTY_REJECT, "不予推荐", frozenset({State.COUNTY_REVIEW}), State.REJECTED, Role.COUNTY,
            (county_deadline_not_passed, opinion_given), "btn-danger",
        ),
        Transition(
            Action.CITY_FORWARD, "审核通过并上报", frozenset({State.CITY_REVIEW}), State.PROVINCE_REVIEW, Role.CITY,
            (city_deadline_not_passed, cluster_ranked, forwarded_in_rank_order, cluster_has_free_slot, opinion_given,
             reason_recorded), "btn-success", effects=(take_quota_slot,),
        ),
        Transition(
            Action.CITY_WITHDRAW_FORWARD, "撤回上报", frozenset({State.PROVINCE_REVIEW}), State.CITY_REVIEW, Role.CITY,
            (city_deadline_not_passed, province_not_acted), "btn-outline-secondary", effects=(release_quota_slot,),
        ),
        Transition(
            Action.CITY_RETURN_TO_COUNTY, "退回修改（退回县级）", frozenset({State.CITY_REVIEW}), State.COUNTY_REVIEW,
            Role.CITY, (city_deadline_not_passed, opinion_given), "btn-warning", effects=(leave_city_ranking,),
        ),
        Transition(
            Action.CITY_RETURN_TO_ENTERPRISE, "退回修改（退回企业）", frozenset({State.CITY_REVIEW}), State.RETURNED,
            Role.CITY, (city_deadline_not_passed, opinion_given), "btn-warning", effects=(leave_city_ranking,),
            points_at_fixes=True,
        ),
        Transition(
            Action.CITY_REJECT, "不予推荐", frozenset({State.CITY_REVIEW}), State.REJECTED, Role.CITY,
            (city_deadline_not_passed, opinion_given), "btn-danger", effects=(leave_city_ranking,),
        ),
        Transition(
            Action.PROVINCE_RETURN_TO_CITY, "退回市级", frozenset({State.PROVINCE_REVIEW}), State.CITY_REVIEW,
            Role.PROVINCE, (opinion_given, province_not_acted), "btn-warning", effects=(release_quota_slot,),
        ),
        Transition(
            Action.PUBLICIZE, "公示拟认定名单", frozenset({State.PROVINCE_REVIEW}), State.PROVINCE_REVIEW, Role.PROVINCE,
            (meeting_decided_award, not_yet_publicized), page="publicity",
        ),
        Transition(
            Action.HANDLE_OBJECTION, "处理公示异议", frozenset({State.PROVINCE_REVIEW}), State.PROVINCE_REVIEW,
            Role.PROVINCE, (opinion_given, objection_open), effects=(record_objection_finding,), page="publicity",
        ),
        Transition(
            Action.AWARD, "认定", frozenset({State.PROVINCE_REVIEW}), State.AWARDED, Role.PROVINCE,
            (meeting_decided_award, publicity_cleared, reason_recorded), "btn-success", effects=(issue_certificate,),
            page="meeting",
        ),
        Transition(
            Action.DECLINE, "不予认定", frozenset({State.PROVINCE_REVIEW}), State.NOT_AWARDED, Role.PROVINCE,
            (meeting_declined_or_objection_upheld,), "btn-danger", page="meeting",
        ),
        Transition(
            Action.REVOKE, "撤销称号", frozenset({State.AWARDED}), State.REVOKED, Role.PROVINCE,
            (certificate_in_force, opinion_given, revocation_grounds_given), "btn-danger",
            effects=(revoke_certificate,), page="certificate", opinion_prompt="请填写撤销原因。",
            explains_state=certificate_in_force,
        ),
        Transition(
            Action.REISSUE, "换发证书", frozenset({State.AWARDED}), State.AWARDED, Role.PROVINCE,
            (certificate_in_force, opinion_given), effects=(reissue_certificate,), page="certificate",
            opinion_prompt="请填写换发原因。",
        ),
        Transition(
            Action.RENEW, "申请复核", frozenset({State.AWARDED}), State.AWARDED, Role.ENTERPRISE,
            (renewal_possible,), effects=(start_renewal,), page="titles",
        ),
    ]
}


# Guards that read what the official types or picks (the opinion, an objection, a ground, a campaign): the others
# depend only on the application and the time, so a page can ask them before the click (review.selectors).
INPUT_GUARDS = frozenset({opinion_given, objection_open, revocation_grounds_given, renewal_possible, reason_recorded})
# Guards that read other rows (the cluster's ranking, the verification's versions, the province's work): the
# application's own page asks them before the click, a list leaves them to that page so its queries stay flat.
ROW_GUARDS = frozenset({verification_current, cluster_ranked, forwarded_in_rank_order, province_not_acted})


def checked_targets(transition: Transition, keys: list[str]) -> list[str]:
    """What a return points at, in the catalogue's order: only a transition that points at fixes (a return to the
    enterprise) points at anything, and only at keys of the catalogue."""
    if keys and not transition.points_at_fixes:
        raise TransitionRefused("只有退回企业修改时才能指明需修改的内容。")
    if any(key not in TARGETS for key in keys):
        raise TransitionRefused("指明的修改内容无效，请刷新页面后重新选择。")
    return [key for key in TARGETS if key in set(keys)]
