"""The title's life in the demo: earlier campaigns' titles (one expired, one re-issued, one revoked, one missing
its yearly report) and the 2024 campaign's 公示 (one ended before 认定, one running with an open objection).

The earlier campaigns are history and are written like the bulk data (demo/bulk.py: records with the hashes the
workflow would have stored); everything that happens after the 认定 goes through the services.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from applications.models import Application
from demo.bulk import (
    SHANGHAI,
    Officials,
    Plan,
    _figures,
    create_details,
    create_records,
    given_timestamps,
    plan_times,
    record_meeting,
    record_quota,
    signed_hashes,
)
from portal.accounts.models import User
from portal.directory.models import Campaign, CampaignState
from review.models import Certificate
from titles import services

# (year, enterprise username, what happened to the title since)
HISTORY = [
    (2020, "ent-130534-1", "expired"),
    (2023, "ent-130534-1", "reissued"),
    (2023, "ent-130534-2", "report_missing"),
    (2023, "ent-130534-5", "revoked"),
]


def history_campaign(year: int) -> Campaign:
    campaign, _ = Campaign.objects.get_or_create(
        year=year,
        defaults={
            "title": f"{year}年度河北省产业集群龙头企业认定",
            "document_number": f"冀企产〔{year}〕12号",
            "opens_on": dt.date(year, 6, 1),
            "enterprise_deadline": dt.date(year, 8, 31),
            "county_deadline": dt.date(year, 9, 30),
            "city_deadline": dt.date(year, 10, 31),
            "certificate_prefix": f"冀企产龙〔{year}〕",
            "state": CampaignState.CLOSED,
            "publicity_required": False,
            "results_published_at": dt.datetime(year, 12, 20, 10, tzinfo=SHANGHAI),
        },
    )
    return campaign


def seed_title_history(users: dict) -> None:
    """Earlier titles of the demo enterprises, once (left as they are when they exist)."""
    if Campaign.objects.filter(year__in={year for year, _, _ in HISTORY}).exists():
        return
    rng = random.Random(2020)
    officials = Officials()
    enterprises = {u.username: u.enterprise for u in User.objects.filter(username__in={n for _, n, _ in HISTORY})}
    enterprise_users = {e.pk: users[e.pk] for e in enterprises.values()}
    plans = []
    now = timezone.now()
    for year, username, _ in HISTORY:
        campaign = history_campaign(year)
        enterprise = enterprises[username]
        plan = Plan(enterprise=enterprise, cluster=enterprise.cluster, campaign=campaign, outcome="awarded", city_rank=1)
        created = plan_times(plan, dt.datetime(year, 12, 10, 15, tzinfo=SHANGHAI), now, rng)
        plan.application = Application(
            campaign=campaign, enterprise=enterprise, cluster=enterprise.cluster, state=plan.state, city_rank=1,
            submitted_at=plan.times[0], reviewing_city_id=enterprise.county.reviewing_city_id, reviewing_county_id=enterprise.county_id, created_at=created, updated_at=plan.times[-1], **_figures(rng, plan),
        )
        plans.append(plan)
    fields = Application._meta
    with given_timestamps(fields.get_field("created_at"), fields.get_field("updated_at")):
        Application.objects.bulk_create([p.application for p in plans])
    details = create_details(plans, enterprise_users, rng)
    create_records(plans, signed_hashes(plans, details), officials, enterprise_users)
    for year in sorted({p.campaign.year for p in plans}):
        campaign_plans = [p for p in plans if p.campaign.year == year]
        record_quota(campaign_plans[0].campaign, Counter(p.cluster.pk for p in campaign_plans))
        record_meeting(campaign_plans[0].campaign, campaign_plans, dt.date(year, 12, 10), officials)
    _after_award(plans, officials.province)


def _after_award(plans, province) -> None:
    outcome = {(year, name): what for year, name, what in HISTORY}
    year = services.monitoring_year()
    for plan in plans:
        what = outcome[(plan.campaign.year, User.objects.get(enterprise=plan.enterprise).username)]
        certificate = Certificate.objects.get(application=plan.application)
        if what == "revoked":
            services.title_revoke(
                actor=province, certificate_id=certificate.pk, ground="accident", basis="冀企产〔2026〕5号",
                reason=f"该企业{year}年发生一般生产安全事故（清河县应急管理局通报），不再符合“近两年未发生质量、安全、环保等事故”的条件。",
            )
        elif what == "reissued":
            new = services.title_reissue(
                actor=province, certificate_id=certificate.pk, reason="企业名称变更，依据市场监督管理局核准变更登记通知书换发。"
            )
            user = User.objects.get(enterprise=plan.enterprise)
            report = services.monitoring_submit(
                actor=user, application_id=new.application_id, year=year,
                figures={
                    "revenue": Decimal("9600.00"), "tax_total": Decimal("520.00"), "total_assets": Decimal("21000.00"),
                    "owners_equity": Decimal("11800.00"), "rd_spend": Decimal("310.00"), "employees": 640,
                },
                narrative="受市场需求下降影响，营业收入同比下降约两成；研发投入保持稳定。",
            )
            county = User.objects.filter(role="county", unit_id=plan.enterprise.county_id, is_demo=True).order_by("id").first()
            services.monitoring_confirm(actor=county, report_id=report.pk, note="已与税务部门纳税申报数据核对一致。")


def seed_running_publicity(meeting, province) -> None:
    """The meeting's 拟认定名单 on public notice from today, with one objection waiting for the province."""
    publicity = services.publicity_publish(actor=province, meeting_id=meeting.pk, starts_on=timezone.localdate())
    entry = publicity.entries.order_by("position").first()
    services.objection_lodge(
        entry_id=entry.pk, name="王建华", phone="13903191234", email="wangjh@example.cn",
        content="据了解，该企业去年有一条生产线未批先建，曾被责令整改，请核实是否符合环保政策。",
        evidence=None, address="127.0.0.1",
    )
