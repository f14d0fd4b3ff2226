"""The workflow as data: (state, action) → (next state, role, guards). review.services performs it."""

from dataclasses import dataclass

from applications.models import State
from portal.accounts.models import Role


class Guard:
    """Names of the checks review.services runs before a transition."""

    ENTERPRISE_DEADLINE = "enterprise_deadline"
    COUNTY_DEADLINE = "county_deadline"
    CITY_DEADLINE = "city_deadline"
    COMPLETE = "complete"  # every required field and material present, every hard condition met
    OPINION = "opinion"  # an opinion text is required
    VERIFICATION = "verification"  # the county's 核实情况证明 exists
    NOT_YET_REVIEWED = "not_yet_reviewed"  # the county has not acted since the submission
    QUOTA = "quota"  # the cluster still has a free slot in this campaign
    MEETING_AWARD = "meeting_award"  # a closed meeting decided 认定
    MEETING_DECLINE = "meeting_decline"  # a closed meeting decided 不予认定


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


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # the button's words (PROCESS.md §7)
    sources: frozenset
    target: str
    role: str
    guards: tuple = ()
    button_class: str = "btn-primary"


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            Action.SUBMIT, "提交申报", frozenset({State.DRAFT, State.RETURNED, State.WITHDRAWN}),
            State.COUNTY_REVIEW, Role.ENTERPRISE, (Guard.ENTERPRISE_DEADLINE, Guard.COMPLETE),
        ),
        Transition(
            Action.WITHDRAW, "撤回", frozenset({State.COUNTY_REVIEW}), State.WITHDRAWN, Role.ENTERPRISE,
            (Guard.NOT_YET_REVIEWED,), "btn-outline-secondary",
        ),
        Transition(
            Action.COUNTY_PASS, "初审通过", frozenset({State.COUNTY_REVIEW}), State.CITY_REVIEW, Role.COUNTY,
            (Guard.COUNTY_DEADLINE, Guard.VERIFICATION), "btn-success",
        ),
        Transition(
            Action.COUNTY_RETURN, "退回修改", frozenset({State.COUNTY_REVIEW}), State.RETURNED, Role.COUNTY,
            (Guard.COUNTY_DEADLINE, Guard.OPINION), "btn-warning",
        ),
        Transition(
            Action.COUNTY_REJECT, "不予推荐", frozenset({State.COUNTY_REVIEW}), State.REJECTED, Role.COUNTY,
            (Guard.COUNTY_DEADLINE, Guard.OPINION), "btn-danger",
        ),
        Transition(
            Action.CITY_FORWARD, "审核通过并上报", frozenset({State.CITY_REVIEW}), State.PROVINCE_REVIEW, Role.CITY,
            (Guard.CITY_DEADLINE, Guard.QUOTA), "btn-success",
        ),
        Transition(
            Action.CITY_RETURN_TO_COUNTY, "退回修改（退回县级）", frozenset({State.CITY_REVIEW}), State.COUNTY_REVIEW,
            Role.CITY, (Guard.CITY_DEADLINE, Guard.OPINION), "btn-warning",
        ),
        Transition(
            Action.CITY_RETURN_TO_ENTERPRISE, "退回修改（退回企业）", frozenset({State.CITY_REVIEW}), State.RETURNED,
            Role.CITY, (Guard.CITY_DEADLINE, Guard.OPINION), "btn-warning",
        ),
        Transition(
            Action.CITY_REJECT, "不予推荐", frozenset({State.CITY_REVIEW}), State.REJECTED, Role.CITY,
            (Guard.CITY_DEADLINE, Guard.OPINION), "btn-danger",
        ),
        Transition(
            Action.AWARD, "认定", frozenset({State.PROVINCE_REVIEW}), State.AWARDED, Role.PROVINCE,
            (Guard.MEETING_AWARD,), "btn-success",
        ),
        Transition(
            Action.DECLINE, "不予认定", frozenset({State.PROVINCE_REVIEW}), State.NOT_AWARDED, Role.PROVINCE,
            (Guard.MEETING_DECLINE,), "btn-danger",
        ),
    ]
}


def available_actions(application, role: str) -> list[Transition]:
    """The transitions the table offers `role` from the application's state (guards are checked on POST)."""
    return [t for t in TRANSITIONS.values() if t.role == role and application.state in t.sources]
