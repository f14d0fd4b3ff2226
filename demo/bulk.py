"""Bulk demo data (`seed_demo --applications N`): years of campaigns with thousands of applications.

Written with bulk_create rather than through perform_transition, so 36,000 applications take seconds,
not hours. The rows the workflow would have written are written too, consistently: every application
has the review records of the path that led to its state (with the SHA-256 of what was signed),
county verifications where the county passed it, the per-cluster quota (never more than the
campaign's quota forwarded per cluster), a closed meeting with its decisions for each finished
campaign, and gap-free certificate numbers in ranking order.

Run after seed_demo(): the open campaign and the demo officials must exist. Calling it again adds
another N applications with new enterprises.
"""

import datetime as dt
import hashlib
import random
import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Max

from applications import eligibility
from applications.fingerprint import fingerprint
from applications.models import (
    REQUIRED_MATERIALS,
    Application,
    Enterprise,
    Honour,
    Material,
    MaterialKind,
    PartnerSME,
    State,
)
from demo.codes import synthetic_credit_code
from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent, Event
from portal.directory.models import SHANGHAI, Campaign, CampaignState, Cluster, Division
from review.models import (
    Certificate,
    ClusterQuota,
    CountyVerification,
    Decision,
    Meeting,
    MeetingDecision,
    Notification,
    ReviewRecord,
    validity_end,
)
from review.notifications import transition_message
from review.workflow import TRANSITIONS, Action

DEMO_COUNTIES = ("131125", "130534")  # the demo officials' counties get a large share of the rows
DEMO_COUNTY_EVERY = 5  # every 5th enterprise is in one of the demo counties
BULK_ENTERPRISE_SERIAL = 2_000_000  # synthetic credit-code serials, far from those of seed_demo and tests
BULK_PARTNER_SERIAL = 100_000_000
PARTNERS_PER_APPLICATION = 10
BATCH = 2000
CENT = Decimal("0.01")

# The path of actions that leads to each kind of outcome (the transition table gives states and labels).
PATHS = {
    "draft": (),
    "county_review": (Action.SUBMIT,),
    "withdrawn": (Action.SUBMIT, Action.WITHDRAW),
    "returned": (Action.SUBMIT, Action.COUNTY_RETURN),
    "county_rejected": (Action.SUBMIT, Action.COUNTY_REJECT),
    "city_review": (Action.SUBMIT, Action.COUNTY_PASS),
    "city_rejected": (Action.SUBMIT, Action.COUNTY_PASS, Action.CITY_REJECT),
    "forwarded": (Action.SUBMIT, Action.COUNTY_PASS, Action.CITY_FORWARD),
    "awarded": (Action.SUBMIT, Action.COUNTY_PASS, Action.CITY_FORWARD, Action.AWARD),
    "not_awarded": (Action.SUBMIT, Action.COUNTY_PASS, Action.CITY_FORWARD, Action.DECLINE),
}
# Shares of the outcomes decided before the city (the city's share is what is left).
EARLY_OUTCOMES = {
    CampaignState.CLOSED: [("draft", 0.08), ("withdrawn", 0.04), ("returned", 0.08), ("county_rejected", 0.20)],
    "running": [
        ("draft", 0.15), ("withdrawn", 0.04), ("returned", 0.08), ("county_review", 0.25), ("county_rejected", 0.08),
    ],
}
OPINIONS = {
    Action.SUBMIT: "",
    Action.WITHDRAW: "",
    Action.COUNTY_RETURN: "请补充上一年度纳税证明，并核对科技投入数据后重新提交。",
    Action.COUNTY_REJECT: "经核实，企业集群内排名与申报不符，不予推荐。",
    Action.COUNTY_PASS: "经核实，企业营业收入、纳税、所有者权益等情况属实，符合申报条件，同意推荐。",
    Action.CITY_FORWARD: "经审核，该企业在集群内综合实力领先，同意推荐上报。",
    Action.CITY_REJECT: "经综合排序，该企业未进入本集群推荐名单，不予推荐。",
    Action.AWARD: "经会议研究，认定为河北省产业集群龙头企业。",
    Action.DECLINE: "经会议研究，暂不予认定。",
}
BRAND_CHARACTERS = "华鑫恒泰宏盛瑞丰达源金永兴隆润通博海天正嘉信利昌德安顺美新宇"
COMPANY_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司", "制品有限公司")
REPORT_TEXT = {
    "report_basic": "{name}成立于{founded}年，主营{industry}产品，现有职工{staff}人，是{cluster}的骨干企业。",
    "report_position": "企业上年度营业收入{revenue}万元，纳税{tax}万元，在集群内综合实力位居前列，带动当地就业。",
    "report_brand": "企业注重品牌建设，主导产品获评省级名牌产品，注册商标被认定为河北省著名商标。",
    "report_innovation": "企业建有{rd}，年科技投入占营业收入{rd_share}%，拥有国家专利{patents}项，装备水平先进。",
    "report_cooperation": "企业与集群内{partners}家中小企业建立稳定的协作配套关系，统一标准、统一采购。",
    "report_energy": "企业实施节能技术改造，单位产值能耗逐年下降，污染物排放稳定达标。",
    "report_responsibility": "企业依法纳税、诚信经营，近两年未发生质量、安全、环保事故，积极参与公益事业。",
    "report_leading": "企业通过订单协作、技术指导和品牌共享，带动{partners}家中小企业共同发展。",
}
SAMPLE_MATERIAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


@dataclass
class Plan:
    """One application to create: whose, where, and the path of actions that led to its state."""

    enterprise: Enterprise
    cluster: Cluster
    campaign: Campaign
    outcome: str = "draft"
    city_rank: int | None = None
    times: list = field(default_factory=list)  # when each action of the path was taken
    application: Application | None = None

    @property
    def path(self):
        return PATHS[self.outcome]

    @property
    def state(self):
        return TRANSITIONS[self.path[-1]].target if self.path else State.DRAFT

    @property
    def submitted(self):
        return bool(self.path)


@dataclass
class BulkReport:
    applications: int = 0
    enterprises: int = 0
    campaigns: int = 0
    records: int = 0
    certificates: int = 0
    by_state: Counter = field(default_factory=Counter)

    def summary(self):
        states = "，".join(f"{State(s).label} {n}" for s, n in sorted(self.by_state.items()))
        return (
            f"已批量创建 {self.applications} 份申报（{self.campaigns} 个批次，{self.enterprises} 家企业，"
            f"{self.records} 条审核记录，{self.certificates} 张证书）：{states}。"
        )


@contextmanager
def given_timestamps(*fields):
    """bulk_create stamps auto_now/auto_now_add fields with the present; a history needs its own dates.

    Switched off only for the duration of the bulk insert (a management command, single-threaded).
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _at(day: dt.date, hour=9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _between(rng, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    if end <= start:
        return start
    return start + dt.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def bulk_campaigns(count: int) -> list[Campaign]:
    """The open campaign and the `count - 1` years before it (created closed, results published)."""
    current = Campaign.current()
    if current is None:
        raise RuntimeError("没有进行中的申报批次：请先运行 seed_demo。")
    campaigns = [current]
    for year in range(current.year - 1, current.year - count, -1):
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            campaign = Campaign.objects.create(
                year=year,
                title=f"{year}年度河北省产业集群龙头企业认定",
                document_number=f"冀企产〔{year}〕12号",
                opens_on=dt.date(year, 6, 1),
                enterprise_deadline=dt.date(year, 8, 31),
                county_deadline=dt.date(year, 9, 30),
                city_deadline=dt.date(year, 10, 31),
                quota_per_cluster=current.quota_per_cluster,
                certificate_prefix=f"冀企产龙〔{year}〕",
                state=CampaignState.CLOSED,
                results_published_at=_at(dt.date(year, 12, 20), 10),
            )
        campaigns.append(campaign)
    return sorted(campaigns, key=lambda c: c.year)


class Officials:
    """Who signs each step: the demo officials where they exist, otherwise one bulk official per unit."""

    def __init__(self):
        self.by_unit = {}
        for user in User.objects.filter(role__in=[Role.COUNTY, Role.CITY, Role.PROVINCE]).order_by("-is_demo", "id"):
            self.by_unit.setdefault((user.role, user.unit_id), user)
        self.divisions = {d.code: d for d in Division.objects.all()}
        self.province = self.get(Role.PROVINCE, "130000")

    def get(self, role, unit_code):
        key = (role, unit_code)
        if key not in self.by_unit:
            unit = self.divisions[unit_code]
            suffix = {Role.COUNTY: "中小企业局", Role.CITY: "工信局", Role.PROVINCE: "产业指导处"}[role]
            self.by_unit[key] = User.objects.create(
                username=f"bulk-{role}-{unit_code}",
                role=role,
                unit=unit,
                full_name=f"{unit.name}{suffix}",
                password=make_password(None),  # nobody logs in as these: they only sign the history
                is_demo=True,
            )
        return self.by_unit[key]

    def for_action(self, action, plan, enterprise_users):
        role = TRANSITIONS[action].role
        county = plan.enterprise.county_id
        actor_by_role = {
            Role.ENTERPRISE: lambda: enterprise_users[plan.enterprise.pk],
            Role.COUNTY: lambda: self.get(Role.COUNTY, county),
            Role.CITY: lambda: self.get(Role.CITY, self.divisions[county].reviewing_city_id),
        }
        return actor_by_role.get(role, lambda: self.province)()


def _short(county_name: str) -> str:
    return county_name[:-1] if len(county_name) > 2 and county_name[-1] in "县市区" else county_name


def _product(industry: str) -> str:
    """「轴承(轻工/微型)」→「轴承」: the cluster's main product, short enough for a company name."""
    return re.split(r"[（(/、，,]", industry)[0] or industry


def _enterprise_name(cluster: Cluster, index: int) -> str:
    n = len(BRAND_CHARACTERS)
    first, second = BRAND_CHARACTERS[index % n], BRAND_CHARACTERS[(index // n) % n]
    suffix = COMPANY_SUFFIXES[(index // (n * n)) % len(COMPANY_SUFFIXES)]
    extra = index // (n * n * len(COMPANY_SUFFIXES))
    product = _product(cluster.industry)
    return f"{_short(cluster.county.name)}{first}{second}{product}{suffix}" + (f"（{extra + 1}）" if extra else "")


def create_enterprises(count: int, clusters: list[Cluster], rng, offset: int, registered_at: dt.datetime):
    """`count` enterprises spread over the clusters, the demo counties' clusters getting a larger share."""
    demo_clusters = [c for c in clusters if c.county_id in DEMO_COUNTIES] or clusters
    per_cluster = Counter(Enterprise.objects.values_list("cluster_id", flat=True))
    enterprises = []
    for i in range(count):
        if i % DEMO_COUNTY_EVERY == 0:
            cluster = demo_clusters[i // DEMO_COUNTY_EVERY % len(demo_clusters)]
        else:
            cluster = clusters[i % len(clusters)]
        per_cluster[cluster.pk] += 1
        serial = offset + i
        enterprises.append(
            Enterprise(
                name=_enterprise_name(cluster, per_cluster[cluster.pk]),
                credit_code=synthetic_credit_code(cluster.county_id, BULK_ENTERPRISE_SERIAL + serial),
                county_id=cluster.county_id,
                cluster=cluster,
                legal_representative=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["建国", "志强", "海涛", "丽华", "文军", "秀英"]),
                contact_name=rng.choice("孙马朱胡郭何高林罗郑") + rng.choice(["明", "静", "磊", "敏", "洋", "婷"]),
                contact_phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
                email=f"bulk{serial}@demo.example.cn",
                address=f"河北省{cluster.county.parent.name}{cluster.county.name}工业园区{rng.randint(1, 300)}号",
                created_at=registered_at,
            )
        )
    with given_timestamps(Enterprise._meta.get_field("created_at")):
        Enterprise.objects.bulk_create(enterprises, batch_size=BATCH)
    password = make_password(None)
    users = [
        User(
            username=f"bulk-ent-{offset + i}",
            role=Role.ENTERPRISE,
            enterprise=enterprise,
            full_name=enterprise.contact_name,
            email=enterprise.email,
            password=password,
            is_demo=True,
            date_joined=registered_at,
        )
        for i, enterprise in enumerate(enterprises)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    return enterprises, {u.enterprise_id: u for u in users}


def _early_outcome(rng, shares) -> str | None:
    """An outcome before the city (returned, rejected, …) drawn by its share, or None: the county passed it."""
    u = rng.random()
    for name, share in shares:
        if u < share:
            return name
        u -= share
    return None


def _city_outcome(rng, *, forwarded: bool, running: bool) -> str:
    if forwarded and running:
        return "forwarded"
    if forwarded:
        return "awarded" if rng.random() < 0.7 else "not_awarded"
    if running and rng.random() > 0.15:
        return "city_review"
    return "city_rejected"


def plan_outcomes(plans: list[Plan], campaign: Campaign, used: dict, rng) -> None:
    """Decide every application's outcome in one campaign, cluster by cluster, within the quota."""
    running = campaign.state != CampaignState.CLOSED
    shares = EARLY_OUTCOMES["running" if running else CampaignState.CLOSED]
    by_cluster = defaultdict(list)
    for plan in plans:
        by_cluster[plan.cluster.pk].append(plan)
    for cluster_id, members in by_cluster.items():
        passed = []
        for plan in members:
            plan.outcome = _early_outcome(rng, shares)
            if plan.outcome is None:
                passed.append(plan)
        free = campaign.quota_per_cluster - used.get(cluster_id, 0)
        # A running campaign keeps one slot free in every cluster, so the demo's city can still forward.
        wanted = rng.choice([0, 1, 1, 2]) if running else rng.choice([1, 2, 3, 3, 3])
        forwarded = max(0, min(len(passed), wanted, free - 1 if running else free))
        for rank, plan in enumerate(passed, start=1):
            plan.city_rank = rank
            plan.outcome = _city_outcome(rng, forwarded=rank <= forwarded, running=running)
        used[cluster_id] = used.get(cluster_id, 0) + forwarded


def plan_times(plan: Plan, meeting_at: dt.datetime | None, now: dt.datetime, rng) -> dt.datetime:
    """When each action of the path was taken (inside the campaign's deadlines); returns the creation time."""
    campaign = plan.campaign
    opens = _at(campaign.opens_on)
    cap = now - dt.timedelta(days=1)  # later steps add an hour each: the history stays in the past
    ends = {
        "enterprise": min(_at(campaign.enterprise_deadline, 23), cap),
        "county": min(_at(campaign.county_deadline, 23), cap),
        "city": min(_at(campaign.city_deadline, 23), cap),
    }
    window = {
        Action.SUBMIT: "enterprise", Action.WITHDRAW: "enterprise",
        Action.COUNTY_PASS: "county", Action.COUNTY_RETURN: "county", Action.COUNTY_REJECT: "county",
        Action.CITY_FORWARD: "city", Action.CITY_REJECT: "city",
    }
    created = _between(rng, opens, min(opens + dt.timedelta(days=20), ends["enterprise"]))
    previous = created
    for action in plan.path:
        if action in (Action.AWARD, Action.DECLINE):
            at = meeting_at
        else:
            start = previous + dt.timedelta(hours=1)
            at = _between(rng, start, min(start + dt.timedelta(days=30), ends[window[action]]))
        plan.times.append(at)
        previous = at
    return created


def _figures(rng, plan: Plan) -> dict:
    # Two decimal places, as the database returns them: the signed hashes are computed before re-reading.
    revenue = Decimal(rng.randint(12_000, 300_000)).quantize(CENT)
    assets = (revenue * Decimal(rng.uniform(0.8, 2.0))).quantize(CENT)
    year = plan.campaign.year
    submitted = plan.submitted
    figures = {
        "established_on": dt.date(rng.randint(1985, year - 5), rng.randint(1, 12), rng.randint(1, 28)),
        "independent_legal_person": True,
        "revenue": revenue,
        "tax_total": (revenue * Decimal(rng.uniform(0.05, 0.09))).quantize(CENT),
        "total_assets": assets,
        "owners_equity": (assets * Decimal(rng.uniform(0.52, 0.8))).quantize(CENT),
        "rd_spend": (revenue * Decimal(rng.uniform(0.031, 0.06))).quantize(CENT),
        "cluster_rank": rng.randint(1, 3),
        "iso9000_number": f"00{year % 100:02d}Q{rng.randint(10000, 99999)}R{rng.randint(0, 9)}M",
        "iso9000_issuer": "中国质量认证中心",
        "iso9000_valid_until": dt.date(year + 3, 12, 31),
        "rd_institution_name": f"{plan.cluster.industry}工程技术研究中心",
        "rd_institution_level": rng.choice(["省级", "市级", "国家级"]),
        "patents_invention": rng.randint(1, 8),
        "patents_utility": rng.randint(2, 20),
        "patents_design": rng.randint(0, 5),
        "declares_policy_compliance": True,
        "declares_no_accidents": True,
        "declares_no_violations": True,
        "declares_truthful": submitted,
    }
    if not submitted and rng.random() < 0.5:  # a draft is often half-filled
        figures.update(tax_total=None, rd_spend=None, cluster_rank=None, iso9000_number="", rd_institution_name="")
    words = {
        "name": plan.enterprise.name,
        "founded": figures["established_on"].year,
        "industry": plan.cluster.industry,
        "staff": rng.randint(200, 3000),
        "cluster": plan.cluster.name,
        "revenue": f"{revenue:,.0f}",
        "tax": f"{figures['tax_total'] or 0:,.0f}",
        "rd": figures["rd_institution_name"] or "技术研发中心",
        "rd_share": f"{(figures['rd_spend'] or 0) * 100 / revenue:.1f}",
        "patents": figures["patents_invention"] + figures["patents_utility"] + figures["patents_design"],
        "partners": PARTNERS_PER_APPLICATION,
    }
    report = {name: text.format(**words) for name, text in REPORT_TEXT.items()}
    if not submitted:
        for name in list(REPORT_TEXT)[rng.randint(2, 8):]:
            report[name] = ""
    return {**figures, **report}


def _shared_materials() -> dict:
    """One stored file per material kind, shared by the bulk applications (content is not the point here)."""
    names = {}
    for kind in REQUIRED_MATERIALS:
        name = f"materials/bulk/{kind}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(SAMPLE_MATERIAL))
        names[kind] = name
    return {"names": names, "sha256": hashlib.sha256(SAMPLE_MATERIAL).hexdigest(), "size": len(SAMPLE_MATERIAL)}


class PartnerPool:
    """Each county's small and medium enterprises; a leader picks its partners among them."""

    SIZE = 30

    def __init__(self):
        self.by_county = {}

    def pick(self, cluster: Cluster, rng) -> list[tuple[str, str]]:
        county = cluster.county_id
        if county not in self.by_county:
            short, product = _short(cluster.county.name), _product(cluster.industry)
            self.by_county[county] = [
                (
                    f"{short}{BRAND_CHARACTERS[n % len(BRAND_CHARACTERS)]}{BRAND_CHARACTERS[-1 - n % 7]}{product}配套有限公司",
                    synthetic_credit_code(county, BULK_PARTNER_SERIAL + n),
                )
                for n in range(self.SIZE)
            ]
        return rng.sample(self.by_county[county], PARTNERS_PER_APPLICATION)


def create_details(plans: list[Plan], enterprise_users: dict, rng) -> dict:
    """Honours, partners and materials: what the enterprise attached before submitting.

    Returns them per application, in creation (= primary key) order, for signed_hashes().
    """
    details = {}
    shared = _shared_materials() if any(p.submitted for p in plans) else None
    pool = PartnerPool()
    for plan in plans:
        complete = plan.submitted or rng.random() < 0.3
        if complete:
            details[plan.application.pk] = _details_of(plan, enterprise_users, pool, shared, rng)
    _save_details(details)
    return details


def _save_details(details: dict) -> None:
    Honour.objects.bulk_create([h for d in details.values() for h in d[0]], batch_size=BATCH)
    PartnerSME.objects.bulk_create([p for d in details.values() for p in d[1]], batch_size=BATCH)
    with given_timestamps(Material._meta.get_field("uploaded_at")):
        Material.objects.bulk_create([m for d in details.values() for m in d[2]], batch_size=BATCH)


def _details_of(plan, enterprise_users, pool, shared, rng) -> tuple[list, list, list]:
    """One application's honours, partner SMEs and (once it left the enterprise's hands) materials."""
    app = plan.application
    year = plan.campaign.year
    honours = [
        Honour(application=app, kind="famous_trademark", level="provincial", name="河北省著名商标",
               year=year - rng.randint(1, 6), issuer="河北省工商行政管理局"),
        Honour(application=app, kind="credit", level="provincial", name="河北省守合同重信用企业",
               year=year - rng.randint(1, 3), issuer="河北省市场监督管理局"),
        Honour(application=app, kind="high_tech", level="national", name="高新技术企业证书",
               year=year - rng.randint(1, 3), issuer="河北省科学技术厅"),
    ]
    partners = [
        PartnerSME(application=app, name=name, credit_code=code,
                   cooperation=rng.choice(["零部件配套", "原料供应", "委托加工", "技术协作", "物流配送"]))
        for name, code in pool.pick(plan.cluster, rng)
    ]
    materials = []
    # Editable applications (draft, returned, withdrawn) carry no shared file: replacing one would delete it.
    if plan.state not in (State.DRAFT, State.RETURNED, State.WITHDRAWN):
        materials = [
            Material(
                application=app,
                kind=kind,
                file=shared["names"][kind],
                original_name=f"{MaterialKind(kind).label[3:][:20]}.pdf",
                content_type="application/pdf",
                size=shared["size"],
                sha256=shared["sha256"],
                uploaded_at=plan.times[0] - dt.timedelta(days=1),
                uploaded_by=enterprise_users[plan.enterprise.pk],
            )
            for kind in REQUIRED_MATERIALS
        ]
    return honours, partners, materials


class _Related:
    def __init__(self, rows):
        self.rows = rows

    def all(self):
        return self.rows


class _Signed:
    """An application with its related rows in memory: what fingerprint() reads, without a query per row."""

    def __init__(self, application, honours, partners, materials):
        self._application = application
        self.honours, self.partners, self.materials = _Related(honours), _Related(partners), _Related(materials)

    def __getattr__(self, name):
        return getattr(self._application, name)


def signed_hashes(plans: list[Plan], details: dict) -> dict:
    """The SHA-256 each sign-off stored, by the workflow's own fingerprint() (the test re-reads and compares)."""
    return {
        p.application.pk: fingerprint(_Signed(p.application, *details.get(p.application.pk, ([], [], []))))
        for p in plans
        if p.submitted
    }


def record_verdicts(plans: list[Plan], details: dict) -> None:
    """The stored verdicts (Application.unmet_conditions, pending_conditions) as the workflow stores them; the
    county's verified figures here are the declared ones, so the declared figures judge."""
    eligible = {}
    for plan in plans:
        app = plan.application
        if app.campaign_id not in eligible:
            eligible[app.campaign_id] = set(app.campaign.eligible_clusters().values_list("pk", flat=True))
        signed = _Signed(app, *details.get(app.pk, ([], [], [])))
        facts = eligibility.rule_facts(
            signed, verification=None, cluster_in_campaign=app.cluster_id in eligible[app.campaign_id]
        )
        for name, value in eligibility.condition_codes(eligibility.evaluate(facts)).items():
            setattr(app, name, value)
    Application.objects.bulk_update(
        [p.application for p in plans], ["unmet_conditions", "pending_conditions"], batch_size=BATCH
    )


def create_records(plans, hashes, officials, enterprise_users) -> int:
    records, verifications = [], []
    for plan in plans:
        app = plan.application
        state = State.DRAFT
        for action, at in zip(plan.path, plan.times, strict=True):
            transition = TRANSITIONS[action]
            actor = officials.for_action(action, plan, enterprise_users)
            if action == Action.COUNTY_PASS:
                verifications.append(
                    CountyVerification(
                        application=app,
                        revenue=app.revenue,
                        tax_total=app.tax_total,
                        total_assets=app.total_assets,
                        owners_equity=app.owners_equity,
                        cluster_rank=app.cluster_rank,
                        remarks="经实地核查及比对税务、统计数据，企业申报数据属实。",
                        verified_by=actor,
                        verified_at=at - dt.timedelta(hours=1),
                    )
                )
            records.append(
                ReviewRecord(
                    application=app,
                    action=action,
                    action_label=transition.label,
                    from_state=state,
                    to_state=transition.target,
                    actor=actor,
                    actor_name=actor.display_name,
                    actor_role=actor.role,
                    actor_unit_id=actor.unit_id,
                    actor_unit_name=officials.divisions[actor.unit_id].name if actor.unit_id else "",
                    at=at,
                    opinion=OPINIONS[action],
                    data_sha256=hashes[app.pk],
                )
            )
            state = transition.target
    with given_timestamps(ReviewRecord._meta.get_field("at"), CountyVerification._meta.get_field("verified_at")):
        CountyVerification.objects.bulk_create(verifications, batch_size=BATCH)
        ReviewRecord.objects.bulk_create(records, batch_size=BATCH)
    create_trail(records, officials, {p.application.pk: p for p in plans}, enterprise_users)
    return len(records)


# Who the workflow tells about a transition (review.notifications.recipients_for), by the state it leads to.
NEXT_LEVEL = {State.COUNTY_REVIEW: Role.COUNTY, State.CITY_REVIEW: Role.CITY, State.PROVINCE_REVIEW: Role.PROVINCE}


def create_trail(records, officials, plans_by_application, enterprise_users) -> None:
    """What each transition leaves besides its record, as perform_transition would: the audit entry, and the
    notices to the enterprise and to the level that acts next (so the audit log and the notification lists grow
    with the data, as they do in use)."""
    events, notices = [], []
    for record in records:
        plan = plans_by_application[record.application_id]
        events.append(
            AuditEvent(
                event=Event.TRANSITION, user=record.actor, username=record.actor.username, role=record.actor.role,
                object_type="applications.Application", object_id=str(record.application_id),
                object_repr=plan.enterprise.name[:200], detail=f"{record.action_label}：{record.from_state} → {record.to_state}",
                at=record.at,
            )
        )
        message = transition_message(record, plan.enterprise.name)[:300]
        recipients = [enterprise_users[plan.enterprise.pk]]
        role = NEXT_LEVEL.get(record.to_state)
        if role is not None:
            county = plan.enterprise.county_id
            unit = {Role.COUNTY: county, Role.CITY: officials.divisions[county].reviewing_city_id}.get(role, "130000")
            recipients.append(officials.get(role, unit))
        notices += [
            Notification(recipient=user, application_id=record.application_id, message=message, created_at=record.at,
                         read_at=record.at if plan.campaign.state == CampaignState.CLOSED else None)
            for user in recipients
        ]
    with given_timestamps(AuditEvent._meta.get_field("at"), Notification._meta.get_field("created_at")):
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)
        Notification.objects.bulk_create(notices, batch_size=BATCH)


def record_quota(campaign: Campaign, forwarded: Counter) -> None:
    existing = {q.cluster_id: q for q in ClusterQuota.objects.filter(campaign=campaign)}
    new = []
    for cluster_id, count in forwarded.items():
        if cluster_id in existing:
            ClusterQuota.objects.filter(pk=existing[cluster_id].pk).update(used=F("used") + count)
        else:
            new.append(ClusterQuota(campaign=campaign, cluster_id=cluster_id, quota=campaign.quota_per_cluster, used=count))
    ClusterQuota.objects.bulk_create(new, batch_size=BATCH)


def _closed_meeting(campaign, meeting_day, officials) -> Meeting:
    meeting = Meeting.objects.filter(campaign=campaign, closed_at__isnull=False).order_by("id").first()
    if meeting is not None:
        return meeting
    return Meeting.objects.create(
        campaign=campaign,
        name=f"{campaign.year}年度河北省产业集群龙头企业认定会议",
        held_on=meeting_day,
        minutes_number=f"冀企产纪〔{campaign.year}〕8号",
        closed_at=_at(meeting_day, 17),
        awarded_at=_at(meeting_day, 18),
        created_by=officials.province,
    )


def _award_rows(meeting, awarded: list[Plan], meeting_day) -> tuple[list, list]:
    """The 认定 decisions in ranking order and their certificates, numbered on from the last ones."""
    campaign = meeting.campaign
    rank = MeetingDecision.objects.filter(meeting=meeting).aggregate(m=Max("rank"))["m"] or 0
    serial = Certificate.objects.filter(campaign=campaign).aggregate(m=Max("serial"))["m"] or 0
    decisions, certificates = [], []
    for plan in awarded:
        rank += 1
        serial += 1
        decisions.append(MeetingDecision(meeting=meeting, application=plan.application, decision=Decision.AWARD, rank=rank))
        certificates.append(
            Certificate(
                application=plan.application,
                issued_for=plan.application,
                campaign=campaign,
                serial=serial,
                number=campaign.certificate_number(serial),
                issued_on=meeting_day,
                expires_on=validity_end(meeting_day, campaign.title_validity_years),
            )
        )
    return decisions, certificates


def record_meeting(campaign: Campaign, plans: list[Plan], meeting_day: dt.date, officials: Officials) -> int:
    """The closed meeting's decisions and, in ranking order, gap-free certificate numbers."""
    decided = [p for p in plans if p.outcome in ("awarded", "not_awarded")]
    if not decided:
        return 0
    meeting = _closed_meeting(campaign, meeting_day, officials)
    awarded = sorted(
        (p for p in decided if p.outcome == "awarded"),
        key=lambda p: (officials.divisions[p.enterprise.county_id].reviewing_city_id, p.cluster.pk, p.city_rank),
    )
    decisions, certificates = _award_rows(meeting, awarded, meeting_day)
    decisions += [
        MeetingDecision(meeting=meeting, application=p.application, decision=Decision.DECLINE)
        for p in decided
        if p.outcome == "not_awarded"
    ]
    MeetingDecision.objects.bulk_create(decisions, batch_size=BATCH)
    Certificate.objects.bulk_create(certificates, batch_size=BATCH)
    return len(certificates)


BULK_MODELS = [
    Enterprise, User, Application, Honour, PartnerSME, Material, CountyVerification, ReviewRecord, ClusterQuota,
    MeetingDecision, Certificate, AuditEvent, Notification,
]


def analyze(models) -> None:
    """Until autovacuum comes by, the planner sees a freshly bulk-loaded table as nearly empty and picks
    nested loops that cost seconds at this size: give it the real statistics now (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def create_bulk_applications(n: int, *, campaigns: int = 10, seed: int = 2024) -> BulkReport:
    """Create `n` applications spread over `campaigns` campaigns (the open one and the years before it).

    Each campaign gets n / campaigns applications, one per enterprise: the same enterprises apply
    every year. Finished campaigns end in final states (认定, 不予认定, 不予推荐 …); the open one has
    applications at every step, and every cluster keeps a free slot of its quota.
    """
    with transaction.atomic():
        report = _create(n, campaigns=campaigns, seed=seed)
    analyze(BULK_MODELS)
    return report


def _plan_campaign(campaign, enterprises, meeting_day, now, rng) -> list[Plan]:
    """Each enterprise's application in the campaign: its outcome, its path's times and its data (not saved)."""
    plans = [Plan(enterprise=e, cluster=e.cluster, campaign=campaign) for e in enterprises]
    used = dict(ClusterQuota.objects.filter(campaign=campaign).values_list("cluster_id", "used"))
    plan_outcomes(plans, campaign, used, rng)
    meeting_at = _at(meeting_day, 15) if meeting_day else None
    routing = dict(Division.objects.values_list("pk", "reviewing_city_id"))
    for plan in plans:
        created = plan_times(plan, meeting_at, now, rng)
        submit_at = max((t for a, t in zip(plan.path, plan.times, strict=True) if a == Action.SUBMIT), default=None)
        plan.application = Application(
            campaign=campaign,
            enterprise=plan.enterprise,
            cluster=plan.cluster,
            state=plan.state,
            city_rank=plan.city_rank,
            submitted_at=submit_at,
            reviewing_city_id=routing[plan.enterprise.county_id] if submit_at else None,
            reviewing_county_id=plan.enterprise.county_id if submit_at else None,
            created_at=created,
            updated_at=plan.times[-1] if plan.times else created,
            **_figures(rng, plan),
        )
    return plans


def _record_campaign(campaign, plans, meeting_day, officials) -> int:
    """The campaign's quota rows and, for a finished one, its meeting; returns the certificates issued."""
    campaign_plans = [p for p in plans if p.campaign.pk == campaign.pk]
    record_quota(campaign, Counter(p.cluster.pk for p in campaign_plans if Action.CITY_FORWARD in p.path))
    return record_meeting(campaign, campaign_plans, meeting_day, officials) if meeting_day else 0


def _clusters_since(first_year: int) -> list[Cluster]:
    """The active clusters, confirmed by `first_year` at the latest: the history starts in that year."""
    clusters = list(Cluster.objects.filter(active=True).select_related("county__parent").order_by("county_id", "name"))
    if not clusters:
        raise RuntimeError("没有产业集群：请先运行 seed_demo。")
    Cluster.objects.filter(pk__in=[c.pk for c in clusters], confirmed_year__gt=first_year).update(confirmed_year=first_year)
    return clusters


def _create(n: int, *, campaigns: int, seed: int) -> BulkReport:
    report = BulkReport()
    if n <= 0:
        return report
    rng = random.Random(seed)
    now = dt.datetime.now(tz=SHANGHAI)
    campaign_list = bulk_campaigns(max(1, min(campaigns, n)))
    clusters = _clusters_since(campaign_list[0].year)
    counts = [n // len(campaign_list) + (1 if i < n % len(campaign_list) else 0) for i in range(len(campaign_list))]
    offset = User.objects.filter(username__startswith="bulk-ent-").count()
    registered_at = _at(campaign_list[0].opens_on - dt.timedelta(days=60))
    enterprises, enterprise_users = create_enterprises(max(counts), clusters, rng, offset, registered_at)
    officials = Officials()

    plans = []
    meeting_days = {}
    for campaign, count in zip(campaign_list, counts, strict=True):
        meeting_days[campaign.pk] = dt.date(campaign.year, 12, 10) if campaign.state == CampaignState.CLOSED else None
        plans += _plan_campaign(campaign, enterprises[:count], meeting_days[campaign.pk], now, rng)

    fields = Application._meta
    with given_timestamps(fields.get_field("created_at"), fields.get_field("updated_at")):
        Application.objects.bulk_create([p.application for p in plans], batch_size=BATCH)
    details = create_details(plans, enterprise_users, rng)
    hashes = signed_hashes(plans, details)
    record_verdicts(plans, details)
    report.records = create_records(plans, hashes, officials, enterprise_users)
    for campaign in campaign_list:
        report.certificates += _record_campaign(campaign, plans, meeting_days[campaign.pk], officials)

    report.applications = len(plans)
    report.enterprises = len(enterprises)
    report.campaigns = len(campaign_list)
    report.by_state = Counter(p.state for p in plans)
    return report
