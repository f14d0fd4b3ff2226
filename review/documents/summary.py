"""Reads for the 汇总表 and the 牌匾制作清单: one query each, streamed, whatever the number of rows.

Which applications: those the city recommended, i.e. that reached 待省级审定 (待省级审定, 已认定, 未予认定);
a city gets its own. The city's sheet and its 推荐文件 list exactly the same applications
(`recommended_queryset`), so the letter and its attachment never disagree.
Figures and shares are those of applications.fields.facts_for: the county's where it verified them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from applications.fields import facts_for
from applications.models import PartnerSME, State
from review.models import Certificate, ReviewRecord
from review.workflow import FORWARDED_STATES, TRANSITIONS, Action

COLUMNS = [
    "序号",
    "设区市",
    "县（市、区）",
    "产业集群",
    "推荐顺序",
    "企业名称",
    "统一社会信用代码",
    "成立日期",
    "营业收入（万元）",
    "纳税总额（万元）",
    "所有者权益占比（%）",
    "科技投入占比（%）",
    "国家专利（项）",
    "带动中小企业（家）",
    "集群内排名",
    "县级初审意见",
    "市级审核意见",
    "省级认定结果",
    "证书编号",
    "联系人",
    "联系电话",
]


@dataclass(frozen=True)
class SummaryRow:
    city_code: str
    city: str
    county: str
    cluster: str
    recommendation_order: int | None  # the city's 推荐顺序 within the cluster
    enterprise: str
    credit_code: str
    established_on: date | None
    revenue: Decimal | None
    tax_total: Decimal | None
    equity_share: Decimal | None
    rd_share: Decimal | None
    patents: int
    partners: int
    cluster_rank: int | None
    county_opinion: str
    city_opinion: str
    result: str
    certificate_number: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class PlaqueRow:
    certificate_number: str
    enterprise: str
    cluster: str
    city: str


def _latest_opinion(action: str, column: str = "opinion"):
    records = ReviewRecord.objects.filter(application=OuterRef("pk"), action=action).order_by("-at", "-id")
    return Subquery(records.values(column)[:1])


def summary_queryset(*, visible, campaign, states, city_code: str | None = None):
    """`visible` is the caller's scope (applications_visible_to(user)); rows in 汇总表 order."""
    partners = (
        PartnerSME.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = visible.filter(campaign=campaign, state__in=states)
    if city_code:
        queryset = queryset.filter(reviewing_city_id=city_code)
    return (
        queryset.select_related("enterprise__county", "reviewing_city", "cluster", "county_verification", "certificate")
        .annotate(
            county_opinion=_latest_opinion(Action.COUNTY_PASS),
            city_opinion=_latest_opinion(Action.CITY_FORWARD),
            county_overridden=_latest_opinion(Action.COUNTY_PASS, "overridden"),
            county_override_reason=_latest_opinion(Action.COUNTY_PASS, "override_reason"),
            city_overridden=_latest_opinion(Action.CITY_FORWARD, "overridden"),
            city_override_reason=_latest_opinion(Action.CITY_FORWARD, "override_reason"),
            partner_count=Coalesce(Subquery(partners, output_field=IntegerField()), 0),
            effective_rank=Coalesce("county_verification__cluster_rank", "cluster_rank"),
        )
        .order_by(
            "reviewing_city_id",
            "cluster__name",
            F("city_rank").asc(nulls_last=True),
            F("effective_rank").asc(nulls_last=True),
            "enterprise__name",
            "pk",
        )
    )


def recommended_queryset(*, visible, campaign, city_code: str | None = None):
    """The recommended applications: the rows of the 汇总表 and the list of a city's 推荐文件."""
    return summary_queryset(visible=visible, campaign=campaign, states=FORWARDED_STATES, city_code=city_code)


def _opinion(text: str | None, action: str, overridden: str | None = "", reason: str | None = "") -> str:
    if text is None:
        return ""
    shown = text or TRANSITIONS[action].label  # an approval without comment still shows the decision
    if overridden:  # decided against failing conditions: the reason leads, so a shortened cell still shows it
        shown = f"【知悉{overridden}不满足，仍{TRANSITIONS[action].label}，理由：{reason}】\n{shown}"
    return shown


def summary_rows(queryset) -> Iterator[SummaryRow]:
    for application in queryset.iterator(chunk_size=1000):
        enterprise = application.enterprise
        county = enterprise.county
        city = application.reviewing_city or county
        facts = facts_for(application)
        certificate = getattr(application, "certificate", None)
        number = ""
        if certificate is not None:
            number = certificate.number if certificate.is_valid else f"{certificate.number}（已撤销）"
        yield SummaryRow(
            city_code=city.code,
            city=city.name,
            county=county.name,
            cluster=application.cluster.name,
            recommendation_order=application.city_rank,
            enterprise=enterprise.name,
            credit_code=enterprise.credit_code,
            established_on=application.established_on,
            revenue=facts.revenue,
            tax_total=facts.tax_total,
            equity_share=facts.equity_share,
            rd_share=facts.rd_share,
            patents=application.patents_total,
            partners=application.partner_count,
            cluster_rank=facts.cluster_rank,
            county_opinion=_opinion(
                application.county_opinion, Action.COUNTY_PASS, application.county_overridden,
                application.county_override_reason,
            ),
            city_opinion=_opinion(
                application.city_opinion, Action.CITY_FORWARD, application.city_overridden,
                application.city_override_reason,
            ),
            result=application.get_state_display(),
            certificate_number=number,
            contact_name=enterprise.contact_name,
            contact_phone=enterprise.contact_phone,
        )


def plaque_rows(*, visible, campaign, city_code: str | None = None) -> Iterator[PlaqueRow]:
    """牌匾制作清单: every valid certificate of the campaign in the caller's scope, by number (a re-issued title's
    plaque carries the replacement's number)."""
    certificates = Certificate.objects.filter(
        campaign=campaign, application__in=visible.filter(state=State.AWARDED)
    ).valid()
    if city_code:
        certificates = certificates.filter(application__reviewing_city_id=city_code)
    certificates = certificates.select_related(
        "application__enterprise__county", "application__reviewing_city", "application__cluster"
    ).order_by("serial")
    for certificate in certificates.iterator(chunk_size=1000):
        application = certificate.application
        county = application.enterprise.county
        yield PlaqueRow(
            certificate_number=certificate.number,
            enterprise=application.enterprise.name,
            cluster=application.cluster.name,
            city=(application.reviewing_city or county).name,
        )
