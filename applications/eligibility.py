"""The 申报条件 of PROCESS.md §3 as a declarative list of small pure rules.

Every screen and document reads its verdicts from `evaluate()`: the enterprise's live checklist, the
county's verification screen (on the verified figures), the PDFs and the 汇总表.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from applications import uscc
from applications.fields import VERIFIED_FIELDS, facts_for, percent
from portal.dates import chinese_date

MET, UNMET, PENDING = "met", "unmet", "pending"
STATUS_LABELS = {MET: "满足", UNMET: "不满足", PENDING: "待核实"}

BRAND_KINDS = {"famous_product", "famous_trademark", "well_known_trademark"}
PROVINCIAL_OR_ABOVE = {"provincial", "national"}


@dataclass(frozen=True)
class Facts:
    """What the rules look at. Built from a saved application or from a form that is not saved yet."""

    credit_code: str = ""
    independent_legal_person: bool | None = None
    established_on: dt.date | None = None
    deadline: dt.date | None = None  # the campaign's enterprise deadline
    revenue: Decimal | None = None
    tax_total: Decimal | None = None
    total_assets: Decimal | None = None
    owners_equity: Decimal | None = None
    rd_spend: Decimal | None = None
    cluster_rank: int | None = None
    iso9000_number: str = ""
    iso9000_valid_until: dt.date | None = None
    honours: tuple[tuple[str, str], ...] = ()  # (kind, level)
    rd_institution_name: str = ""
    patents_total: int = 0
    partner_count: int = 0
    innovation_text: str = ""
    declares_policy_compliance: bool = False
    declares_no_accidents: bool = False
    declares_no_violations: bool = False
    cluster_in_campaign: bool = False
    verified: frozenset = field(default_factory=frozenset)  # names of the figures the county verified
    # The county's verdicts on the conditions it checks: ((code, "met" | "unmet", note), …).
    county_checks: tuple[tuple[str, str, str], ...] = ()
    # (field, message) of what the user typed but the form refused: the rules say that, not 「尚未填写」.
    invalid: tuple[tuple[str, str], ...] = ()

    def problem(self, *names: str) -> str | None:
        """The form's message for the first of `names` that was typed wrongly (None when none was)."""
        refused = dict(self.invalid)
        return next((f"{refused[name].rstrip('。')}。" for name in names if name in refused), None)

    def county_check(self, code: str) -> tuple[str, str] | None:
        """The county's (verdict, note) on condition `code`, or None when it gave none."""
        return next(((verdict, note) for c, verdict, note in self.county_checks if c == code), None)


def county_checks_of(verification) -> tuple[tuple[str, str, str], ...]:
    """The verdicts a 核实情况证明 (saved, being filled in, or a kept version) records, as Facts holds them."""
    recorded = getattr(verification, "condition_checks", None) or {}
    return tuple(
        (code, entry["verdict"], str(entry.get("note", "")).strip())
        for code, entry in sorted(recorded.items())
        if isinstance(entry, dict) and entry.get("verdict") in (MET, UNMET)
    )


def rule_facts(
    application, *, honours=None, partner_count=None, verification=None, invalid=(), cluster_in_campaign=None
) -> Facts:
    """What the rules look at. The figures come from fields.facts_for: with a `verification` (the county's
    核实情况证明, saved or being filled in) its figures replace the declared ones; without one, the declared."""
    if honours is None:
        honours = [(h.kind, h.level) for h in application.honours.all()]
    if partner_count is None:
        partner_count = len(application.partners.all())
    figures = facts_for(application, verification)
    campaign = application.campaign
    if cluster_in_campaign is None:
        cluster_in_campaign = campaign.eligible_clusters().filter(pk=application.cluster_id).exists()
    return Facts(
        credit_code=application.enterprise.credit_code,
        independent_legal_person=application.independent_legal_person,
        established_on=application.established_on,
        deadline=campaign.enterprise_deadline,
        rd_spend=application.rd_spend,
        iso9000_number=application.iso9000_number,
        iso9000_valid_until=application.iso9000_valid_until,
        honours=tuple(honours),
        rd_institution_name=application.rd_institution_name,
        patents_total=application.patents_total,
        partner_count=partner_count,
        innovation_text=application.report_innovation,
        declares_policy_compliance=application.declares_policy_compliance,
        declares_no_accidents=application.declares_no_accidents,
        declares_no_violations=application.declares_no_violations,
        cluster_in_campaign=cluster_in_campaign,
        verified=figures.verified,
        county_checks=county_checks_of(verification),
        invalid=tuple(invalid),
        **{name: figures.values[name] for name in VERIFIED_FIELDS},
    )


@dataclass(frozen=True)
class Verdict:
    code: str
    title: str
    status: str
    reason: str
    hard: bool
    evidence: str
    anchor: str  # the form section where the data is entered

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def blocks_submission(self):
        return self.hard and self.status == UNMET


@dataclass(frozen=True)
class Condition:
    code: str
    title: str
    hard: bool
    evidence: str
    anchor: str
    rule: Callable[[Facts], tuple[str, str]]

    def judge(self, facts: Facts) -> Verdict:
        status, reason = self.rule(facts)
        if status == PENDING and (check := facts.county_check(self.code)) is not None:
            status, reason = county_verdict(reason, *check)
        return Verdict(self.code, self.title, status, reason, self.hard, self.evidence, self.anchor)


def county_verdict(reason: str, verdict: str, note: str) -> tuple[str, str]:
    """A 待核实 condition once the county recorded 符合 / 不符合 on it, with the county's note."""
    base = reason.removesuffix("。").removesuffix("，由县级核实")
    shown = "符合" if verdict == MET else "不符合"
    return verdict, f"{base}；经核实{shown}（县级核实）" + (f"：{note.rstrip('。')}" if note else "") + "。"


def reason_amount(value: Decimal) -> str:
    """An amount as a verdict's reason prints it (the documents quote the reasons): 26,800.00 万元, two decimals
    like every money figure of the documents."""
    return f"{value:,.2f} 万元"


def shown_percent(numerator: Decimal, denominator: Decimal, threshold: int) -> str:
    """The share for the reason text, two decimals. The rules compare exact values, so a share that only rounds
    to the threshold is shown truthfully instead: just below it rounds down (2.99), just above it gets as many
    decimals as it takes to differ (22500.01 / 45000 → 50.00002), and beyond eight decimals it reads 略高于."""
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    share = percent(numerator, denominator)
    if share != threshold or exact == threshold:
        return f"{share}"
    if exact < threshold:
        return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_DOWN)}"
    for places in range(3, 9):
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
        if shown > threshold:
            return f"{shown}".rstrip("0")
    return f"略高于 {threshold}"


def source(facts: Facts, name: str) -> str:
    return "（县级核实数）" if name in facts.verified else ""


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rule_a1(f: Facts):
    problem = uscc.problem(uscc.normalise(f.credit_code))
    if problem:
        return UNMET, problem
    if f.independent_legal_person is None:
        return UNMET, "尚未填写是否具有独立法人资格。"
    if not f.independent_legal_person:
        return UNMET, "企业不具有独立法人资格。"
    return MET, f"统一社会信用代码 {f.credit_code} 校验通过，具有独立法人资格。"


def rule_a2(f: Facts):
    if f.established_on is None:
        return UNMET, f.problem("established_on") or "尚未填写成立日期。"
    if f.deadline is None:
        return PENDING, "申报截止日期未设定。"
    threshold = add_years(f.established_on, 3)
    if threshold <= f.deadline:
        return MET, f"成立于 {chinese_date(f.established_on)}，至申报截止日已满三年。"
    return UNMET, f"成立于 {chinese_date(f.established_on)}，至申报截止日（{chinese_date(f.deadline)}）不满三年。"


def threshold_rule(name: str, label: str, minimum: Decimal, missing: str):
    def rule(f: Facts):
        value = getattr(f, name)
        if value is None:
            return UNMET, f.problem(name) or missing
        shown = f"{label}{source(f, name)} {reason_amount(value)}"
        if value >= minimum:
            return MET, f"{shown}，达到 {reason_amount(minimum)}。"
        return UNMET, f"{shown}，低于 {reason_amount(minimum)}。"

    return rule


def rule_a5(f: Facts):
    if f.cluster_rank is None:
        return UNMET, f.problem("cluster_rank") or "尚未填写集群内排名。"
    shown = f"集群内排名{source(f, 'cluster_rank')}第 {f.cluster_rank} 位"
    if f.cluster_rank <= 3:
        return MET, f"{shown}，在前3位。"
    return UNMET, f"{shown}，不在前3位。"


def declaration_rule(name: str, wording: str):
    def rule(f: Facts):
        if getattr(f, name):
            return PENDING, f"企业已声明{wording}，由县级核实。"
        return UNMET, f"尚未声明{wording}。"

    return rule


def rule_b2(f: Facts):
    if not f.iso9000_number:
        return UNMET, "尚未填写ISO9000质量体系认证证书编号。"
    if f.iso9000_valid_until is None:
        return UNMET, f.problem("iso9000_valid_until") or "尚未填写ISO9000证书有效期。"
    if f.deadline and f.iso9000_valid_until < f.deadline:
        return UNMET, f"ISO9000证书有效期至 {chinese_date(f.iso9000_valid_until)}，申报截止日已过期。"
    return MET, f"ISO9000证书 {f.iso9000_number}，有效期至 {chinese_date(f.iso9000_valid_until)}。"


def honour_rule(kinds: set[str], wanted: str, any_level_kinds: Iterable[str] = ()):
    def rule(f: Facts):
        found = [
            (kind, level)
            for kind, level in f.honours
            if (kind in kinds and level in PROVINCIAL_OR_ABOVE) or kind in any_level_kinds
        ]
        if found:
            return MET, f"已填报{len(found)}项{wanted}。"
        return UNMET, f"未填报{wanted}。"

    return rule


def rule_c1(f: Facts):
    if f.rd_institution_name.strip():
        return MET, f"已建立技术研发机构：{f.rd_institution_name}。"
    return UNMET, "尚未填写企业技术研发机构。"


def rule_c2(f: Facts):
    if f.rd_spend is None or f.revenue is None:
        return UNMET, f.problem("rd_spend", "revenue") or "尚未填写科技投入或上年度营业收入。"
    if f.revenue <= 0:
        return UNMET, "上年度营业收入为0，无法计算科技投入占比。"
    share = shown_percent(f.rd_spend, f.revenue, 3)
    if f.rd_spend * 100 >= f.revenue * 3:
        return MET, f"科技投入占营业收入 {share}%，达到 3%。"
    return UNMET, f"科技投入占营业收入 {share}%，低于 3%。"


def rule_c3(f: Facts):
    if f.patents_total >= 3:
        return MET, f"国家专利共 {f.patents_total} 项，达到3项。"
    return UNMET, f"国家专利共 {f.patents_total} 项，少于3项。"


def rule_c5(f: Facts):
    if f.innovation_text.strip():
        return PENDING, "见申请报告「自主创新」部分，由县级核实。"
    return UNMET, "申请报告「自主创新」部分尚未填写。"


def rule_d1(f: Facts):
    if f.partner_count >= 10:
        return MET, f"带动中小企业 {f.partner_count} 家，达到10家。"
    return UNMET, f"带动中小企业 {f.partner_count} 家，少于10家。"


def rule_e1(f: Facts):
    if f.owners_equity is None or f.total_assets is None:
        return UNMET, f.problem("owners_equity", "total_assets") or "尚未填写资产总额或所有者权益。"
    if f.total_assets <= 0:
        return UNMET, "资产总额为0，无法计算所有者权益占比。"
    share = shown_percent(f.owners_equity, f.total_assets, 50)
    shown = f"所有者权益占资产总额 {share}%" + ("（县级核实数）" if {"owners_equity", "total_assets"} & f.verified else "")
    if f.owners_equity * 2 > f.total_assets:
        return MET, f"{shown}，超过 50%。"
    return UNMET, f"{shown}，未超过 50%。"


def rule_s(f: Facts):
    if f.cluster_in_campaign:
        return MET, "所属产业集群在本批次省级产业集群名单内。"
    return UNMET, "所属产业集群不在本批次省级产业集群名单内。"


CONDITIONS: list[Condition] = [
    Condition("S", "推荐范围：省级产业集群骨干企业", True, "—", "basic", rule_s),
    Condition("A1", "具有独立法人资格", True, "营业执照副本复印件", "form-basic", rule_a1),
    Condition("A2", "依法设立三年以上", True, "营业执照", "form-basic", rule_a2),
    Condition(
        "A3", "年营业收入1亿元以上", True, "县级核实情况证明", "form-finance",
        threshold_rule("revenue", "上年度营业收入", Decimal(10000), "尚未填写上年度营业收入。"),
    ),
    Condition(
        "A4", "纳税总额500万元以上", True, "上一年度纳税证明", "form-finance",
        threshold_rule("tax_total", "上年度纳税总额", Decimal(500), "尚未填写上年度纳税总额。"),
    ),
    Condition("A5", "集群内企业规模和经济实力排名前3位", True, "县级核实情况证明", "form-finance", rule_a5),
    Condition(
        "B1", "符合国家产业政策、环保政策", False, "申请报告", "form-declarations",
        declaration_rule("declares_policy_compliance", "符合国家产业政策、环保政策"),
    ),
    Condition("B2", "通过ISO9000质量体系认证", True, "体系认证证书", "form-iso", rule_b2),
    Condition(
        "B3", "主导产品荣获省级以上名牌产品或著（驰）名商标", True, "荣誉证书复印件", "form-honours",
        honour_rule(BRAND_KINDS, "省级以上名牌产品或著（驰）名商标"),
    ),
    Condition("C1", "建立了企业技术研发机构", True, "其他证明材料", "form-rd", rule_c1),
    Condition("C2", "年科技投入占营业收入3%以上", True, "申请报告 / 审计报告", "form-finance", rule_c2),
    Condition("C3", "获得3项以上国家专利", True, "专利证书", "form-rd", rule_c3),
    Condition(
        "C4", "获得省级以上科技进步奖或高新技术企业称号", True, "证书复印件", "form-honours",
        honour_rule({"science_award"}, "省级以上科技进步奖或高新技术企业称号", any_level_kinds={"high_tech"}),
    ),
    Condition("C5", "装备水平先进，新产品开发能力在集群内居领先水平", False, "申请报告", "report-report_innovation", rule_c5),
    Condition("D1", "辐射带动中小企业10家以上", True, "协作配套清单", "form-partners", rule_d1),
    Condition("E1", "资产所有者权益超过50%", True, "县级核实情况证明、资信证明", "form-finance", rule_e1),
    Condition(
        "E2", "获得省级以上信用优良企业等荣誉", True, "荣誉证书复印件", "form-honours",
        honour_rule({"credit"}, "省级以上信用优良企业荣誉"),
    ),
    Condition(
        "E3", "近两年未发生质量、安全、环保等事故", False, "真实性承诺", "form-declarations",
        declaration_rule("declares_no_accidents", "近两年未发生质量、安全、环保等事故"),
    ),
    Condition(
        "E4", "未发生违法违纪等问题", False, "真实性承诺", "form-declarations",
        declaration_rule("declares_no_violations", "未发生违法违纪等问题"),
    ),
]


def evaluate(facts: Facts) -> list[Verdict]:
    return [condition.judge(facts) for condition in CONDITIONS]


def current_verdicts(application) -> list[Verdict]:
    """The verdicts as they now stand: on the county's saved 核实情况证明 (review's `county_verification`, figures and
    checks) once there is one, else on the declared figures."""
    return evaluate(rule_facts(application, verification=getattr(application, "county_verification", None)))


# The conditions whose evidence the county checks (a declaration or the report's text): it records 符合 / 不符合 on
# each with its 核实情况证明.
COUNTY_CHECKED = [c for c in CONDITIONS if not c.hard]


def failing_hard(verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if v.blocks_submission]


def condition_codes(verdicts: list[Verdict]) -> dict[str, str]:
    """The codes of the conditions not met and still to be verified, as Application stores them ("A5 E1")."""
    return {
        "unmet_conditions": " ".join(v.code for v in verdicts if v.status == UNMET),
        "pending_conditions": " ".join(v.code for v in verdicts if v.status == PENDING),
    }
