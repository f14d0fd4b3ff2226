"""Every write about the title after the meeting: 公示 and objections, revocation and re-issue, monitoring.

Services take the acting user (never the request) and raise `Refused` with a Chinese message when the domain
says no; each writes its audit entry and queues its notifications.
"""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from applications.uploads import CheckedFile
from portal.audit.models import Event
from portal.audit.services import audit
from review.models import Certificate, Decision, Meeting, Objection, Publicity, PublicityEntry
from review.notifications import send_notices
from review.services import Refused, certificate_revoke, perform_transition
from review.workflow import Action
from titles.models import MonitoringReport

PUBLICITY_WORKING_DAYS = 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` working days (Monday to Friday) beginning on `start`."""
    day, counted = start, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


def publicity_publish(*, actor, meeting_id: int, starts_on: dt.date, ends_on: dt.date | None = None) -> Publicity:
    """公示: put the 拟认定名单 of a closed meeting on the public page for the period given."""
    ends_on = ends_on or add_working_days(starts_on, PUBLICITY_WORKING_DAYS)
    if ends_on < starts_on:
        raise Refused("公示截止日期不能早于开始日期。")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("campaign").get(pk=meeting_id)
        if not meeting.is_closed:
            raise Refused("会议尚未结束：请先结束会议（锁定结论），再公示拟认定名单。")
        if meeting.awarded_at:
            raise Refused("该会议的结论已认定，不能再公示。")
        if Publicity.objects.filter(meeting=meeting).exists():
            raise Refused("该会议的拟认定名单已经公示。")
        decisions = list(
            meeting.decisions.filter(decision=Decision.AWARD)
            .select_related("application__enterprise__county", "application__reviewing_city", "application__cluster")
            .order_by("rank", "id")
        )
        if not decisions:
            raise Refused("该会议没有“认定”的结论，无需公示。")
        opinion = f"经{meeting.name}研究拟予认定，{starts_on:%Y年%-m月%-d日}至{ends_on:%Y年%-m月%-d日}在门户公示。"
        for d in decisions:
            perform_transition(application_id=d.application_id, action=Action.PUBLICIZE, actor=actor, opinion=opinion)
        publicity = Publicity.objects.create(
            campaign=meeting.campaign, meeting=meeting, starts_on=starts_on, ends_on=ends_on, published_by=actor
        )
        PublicityEntry.objects.bulk_create(
            [
                PublicityEntry(
                    publicity=publicity,
                    application=d.application,
                    position=position,
                    enterprise_name=d.application.enterprise.name,
                    cluster_name=d.application.cluster.name,
                    city_name=getattr(d.application.reviewing_city, "name", ""),
                )
                for position, d in enumerate(decisions, start=1)
            ]
        )
        audit(
            Event.TRANSITION, user=actor, obj=publicity,
            detail=f"公示拟认定名单 {len(decisions)} 家，{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}",
        )
    return publicity


def _next_reference(publicity: Publicity) -> str:
    year = publicity.campaign.year
    count = Objection.objects.filter(entry__publicity__campaign_id=publicity.campaign_id).count()
    return f"YY{year}-{count + 1:04d}"


def objection_lodge(
    *,
    entry_id: int,
    name: str,
    phone: str,
    email: str,
    content: str,
    evidence: CheckedFile | None,
    address: str | None,
    now: dt.datetime | None = None,
) -> Objection:
    """异议: anyone may object to a listed enterprise while its 公示 runs; the answer is a reference number."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = PublicityEntry.objects.select_related("publicity__campaign").get(pk=entry_id)
        # One writer at a time per campaign, so reference numbers are gap-free.
        publicity = Publicity.objects.select_for_update().get(pk=entry.publicity_id)
        if not publicity.is_running(now):
            raise Refused(
                f"公示期为{publicity.starts_on:%Y年%-m月%-d日}至{publicity.ends_on:%Y年%-m月%-d日}，当前不在公示期内，不能提出异议。"
            )
        objection = Objection(
            entry=entry,
            reference=_next_reference(publicity),
            name=name,
            phone=phone,
            email=email,
            content=content,
            lodged_from=address,
        )
        if evidence is not None:
            evidence.upload.seek(0)
            data = evidence.upload.read()
            objection.evidence.save("evidence", ContentFile(data), save=False)
            objection.evidence_name = evidence.display_name
            objection.evidence_sha256 = hashlib.sha256(data).hexdigest()
        objection.save()
        audit(
            Event.UPLOAD if evidence is not None else Event.TRANSITION,
            obj=objection,
            username="（公众）",
            detail=f"对「{entry.enterprise_name}」提出公示异议",
        )
    return objection


def objection_handle(*, actor, objection_id: int, outcome: str, reason: str, now=None) -> Objection:
    """The province records its finding on an objection (异议成立 / 异议不成立, with the reason): a transition of
    the application in 公示, so it is signed, audited and in the timeline like every other step."""
    if not reason.strip():
        raise Refused("请填写处理意见（核查情况和理由）。")
    objection = Objection.objects.select_related("entry").get(pk=objection_id)
    perform_transition(
        application_id=objection.entry.application_id, action=Action.HANDLE_OBJECTION, actor=actor, opinion=reason,
        now=now, details={"objection": objection, "outcome": outcome},
    )
    return Objection.objects.get(pk=objection_id)


# 年度运行监测 ------------------------------------------------------------------------------------------------------

MONITORED_FIGURES = ("revenue", "tax_total", "total_assets", "owners_equity", "rd_spend", "employees")


def monitoring_year(today: dt.date | None = None) -> int:
    """The year reported in the current monitoring round: the last full calendar year."""
    return (today or timezone.localdate()).year - 1


def monitoring_submit(*, actor, application_id: int, year: int, figures: dict, narrative: str) -> MonitoringReport:
    """The holder reports its key figures of `year`; it may correct them until the county confirms."""
    from titles.selectors import holders_visible_to

    with transaction.atomic():
        application = holders_visible_to(actor).select_for_update().get(pk=application_id)
        report = MonitoringReport.objects.filter(application=application, year=year).first()
        if report is not None and report.confirmed_at is not None:
            raise Refused(f"{year}年度运行监测已由县级主管部门确认，如需更正请联系县级主管部门。")
        report = report or MonitoringReport(application=application, year=year)
        for name in MONITORED_FIGURES:
            setattr(report, name, figures[name])
        report.narrative = narrative.strip()
        report.submitted_by = actor
        report.save()
        audit(Event.TRANSITION, user=actor, obj=report, detail=f"报送{year}年度运行监测")
    return report


def monitoring_confirm(*, actor, report_id: int, note: str = "", now=None) -> MonitoringReport:
    """The county confirms a holder's report after checking it against the tax and financial statements."""
    from titles.selectors import monitoring_reports_visible_to

    with transaction.atomic():
        report = monitoring_reports_visible_to(actor).select_for_update().get(pk=report_id)
        if report.confirmed_at is not None:
            raise Refused("该报告已确认。")
        report.confirmed_by = actor
        report.confirmed_at = now or timezone.now()
        report.county_note = note.strip()
        report.save(update_fields=["confirmed_by", "confirmed_at", "county_note"])
        audit(Event.TRANSITION, user=actor, obj=report, detail=f"确认{report.year}年度运行监测")
    return report


def monitoring_remind(*, actor, year: int) -> int:
    """Remind every holder that has not reported `year`, in the portal and by e-mail; returns how many."""
    from titles.selectors import holders_missing_report

    missing = list(holders_missing_report(year).select_related("enterprise"))
    message = f"请于本年度内报送{year}年度运行监测数据（河北省产业集群龙头企业称号有效期内每年报送）。"
    notify_enterprises(missing, message)
    audit(Event.TRANSITION, user=actor, object_type="titles.MonitoringReport", detail=f"催报{year}年度运行监测 {len(missing)} 家")
    return len(missing)


def notify_enterprises(applications, message: str) -> None:
    """Tell each application's enterprise users, in the portal and by e-mail (after the transaction commits)."""
    from portal.accounts.models import User

    by_enterprise = {a.enterprise_id: a for a in applications}
    users = User.objects.filter(enterprise_id__in=by_enterprise, is_active=True)  # the enterprises' own accounts
    notices = [(u, by_enterprise[u.enterprise_id]) for u in users]
    send_notices(notices, message)  # called after the change has been committed


# 复核 ------------------------------------------------------------------------------------------------------------

def renewal_start(*, actor, title_id: int, campaign):
    """复核: the holder starts a prefilled application that goes through county → city → province again."""
    details = {"campaign": campaign}
    perform_transition(application_id=title_id, action=Action.RENEW, actor=actor, details=details)
    return details["renewal"]


# 撤销与换发 ------------------------------------------------------------------------------------------------------


def title_revoke(*, actor, certificate_id: int, ground: str, basis: str, reason: str, now=None) -> Certificate:
    """撤销称号 (the table's REVOKE); the enterprise and the officials overseeing it are told."""
    certificate = certificate_revoke(
        certificate=Certificate.objects.get(pk=certificate_id), actor=actor, reason=reason, basis=basis, ground=ground,
        now=now,
    )
    notify_title_change(certificate.issued_for, f"河北省产业集群龙头企业称号（证书 {certificate.number}）已被撤销：{reason.strip()}")
    return certificate


def title_reissue(*, actor, certificate_id: int, reason: str, now=None) -> Certificate:
    """换发证书 (the table's REISSUE: renamed enterprise, corrected error): a new number, the old one 已换发."""
    old = Certificate.objects.get(pk=certificate_id)
    if old.application_id is None:
        raise Refused(f"证书 {old.number} 已换发，请换发现行证书。")
    perform_transition(application_id=old.application_id, action=Action.REISSUE, actor=actor, opinion=reason, now=now)
    new = Certificate.objects.get(pk=certificate_id).replaced_by
    notify_title_change(new.application, f"证书 {old.number} 已换发为 {new.number}（{reason.strip()}），请下载新证书。")
    return new


def notify_title_change(application, message: str) -> None:
    """Tell the enterprise and the officials who oversee it (county and city) about a change of its title: the
    accounts of those units for whom the rules say they may read the application."""
    from portal.accounts.models import User

    county = application.enterprise.county
    candidates = User.objects.filter(is_active=True).filter(
        models.Q(enterprise_id=application.enterprise_id) | models.Q(unit_id__in=[county.pk, application.city_id])
    )
    notices = [(u, application) for u in candidates if u.has_perm("applications.read_application", application)]
    send_notices(notices, message)  # called after the change has been committed
