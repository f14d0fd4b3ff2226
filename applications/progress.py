"""Where an application stands: 草稿 → 县级初审 → 市级审核 → 省级审定 → 结果, who acts next and by when."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from applications.models import State
from portal.directory.offices import PROVINCE_OFFICE, office_of

STEPS = ["草稿", "县级初审", "市级审核", "省级审定", "结果"]
STEP_OF_STATE = {
    State.DRAFT: 0,
    State.RETURNED: 0,
    State.WITHDRAWN: 0,
    State.COUNTY_REVIEW: 1,
    State.CITY_REVIEW: 2,
    State.PROVINCE_REVIEW: 3,
    State.REJECTED: 4,
    State.AWARDED: 4,
    State.NOT_AWARDED: 4,
}
FINAL_STATES = {State.REJECTED, State.AWARDED, State.NOT_AWARDED}


def contact_of(division) -> str:
    """「安平县工业和信息化局（电话 0318-7522345）」 for the final states' 「如有疑问请联系」."""
    if division is None:
        return ""
    phone = f"（电话 {division.office_phone}）" if division.office_phone else ""
    return f"{office_of(division)}{phone}"


@dataclass(frozen=True)
class Progress:
    steps: list[tuple[str, str]]  # (label, "done" | "current" | "todo")
    next_actor: str  # who acts next ("" in a final state)
    due: dt.date | None  # by when, only while that deadline still lies ahead
    summary: str  # one sentence: what happens now
    final: bool
    contact: str  # the county department to ask


def progress_for(application, *, today: dt.date | None = None) -> Progress:
    today = today or timezone.localdate()
    campaign = application.campaign
    county = application.enterprise.county
    city = application.city
    state = application.state
    current = STEP_OF_STATE[state]
    steps = [(label, "done" if i < current else "current" if i == current else "todo") for i, label in enumerate(STEPS)]
    if state in (State.RETURNED, State.WITHDRAWN):
        steps[0] = (State(state).label, "current")
    if state in FINAL_STATES:
        steps[-1] = ({State.AWARDED: "已认定", State.NOT_AWARDED: "未予认定", State.REJECTED: "不予推荐"}[state], "current")
    final = state in FINAL_STATES

    def ahead(day):
        return day if day and day >= today else None

    contact = contact_of(county)
    if state == State.RETURNED:
        actor, due = "本企业（按退回意见修改后重新提交申报）", ahead(campaign.enterprise_deadline)
        summary = "申报已退回修改，请按意见修改后重新提交申报。"
    elif state in (State.DRAFT, State.WITHDRAWN):
        actor, due = "本企业（填写并提交申报）", ahead(campaign.enterprise_deadline)
        summary = "申报尚未提交。" if state == State.DRAFT else "申报已撤回，修改后可再次提交申报。"
    elif state == State.COUNTY_REVIEW:
        actor, due = office_of(county), ahead(campaign.county_deadline)
        summary = f"已提交，等待{office_of(county)}初审。"
    elif state == State.CITY_REVIEW:
        actor, due = office_of(city) or "设区市工业和信息化局", ahead(campaign.city_deadline)
        summary = "县级初审已通过，等待设区市工业和信息化局审核。"
    elif state == State.PROVINCE_REVIEW:
        actor, due = f"{PROVINCE_OFFICE}（抽查、会议研究）", None
        summary = "已上报省级，等待省局会议研究审定。"
    elif state == State.AWARDED:
        actor, due = "", None
        summary = "经省局会议研究予以认定，本次申报已办结。"
    elif state == State.NOT_AWARDED:
        actor, due = "", None
        summary = "经省局会议研究，未予认定。本次申报已办结。"
    else:
        actor, due = "", None
        summary = "审核未予推荐，本次申报已办结。"
    return Progress(steps=steps, next_actor=actor, due=due, summary=summary, final=final, contact=contact)
