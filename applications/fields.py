"""The application's fields in one table, and the figures every screen and document shows.

For each field of the 申请报告 and the 推荐审核表: whether it is signed (part of the fingerprint), required before
提交申报 (completeness), re-stated by the county in its 核实情况证明 (verified), its label in PROCESS.md §7 words
and how it is formatted. `fingerprint.py`, `completeness.py`, `forms.py`, `eligibility.py` and the review
screens read this table instead of keeping their own lists.

`facts_for(application)` gives the figures: the county's where it verified them, else the enterprise's, and
the shares computed on them. The 推荐审核表 PDF, the 汇总表 and the county screen all show these.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from applications.models import REPORT_SECTIONS, Application
from portal.numbers import money

# Formats: how a value is shown.
MONEY = "money"  # 万元, two decimals
RANK = "rank"  # 第 n 位
COUNT = "count"  # 项
PEOPLE = "people"  # 人
DATE = "date"
YES_NO = "yes_no"
CHOICE = "choice"
TEXT = "text"
DECLARATION = "declaration"  # a box the enterprise ticks: 已声明 / 未声明
KEY = "key"  # a reference (campaign, enterprise, cluster): signed, never shown as a figure


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # PROCESS.md §7 words (the model's verbose_name says the same; a test holds them together)
    format: str
    signed: bool = True
    required: bool = False  # must be filled before 提交申报
    verified: bool = False  # the county verifies it in the 核实情况证明
    on_form: bool = True  # an input of the 推荐审核表
    unit: str = ""

    @property
    def short_label(self) -> str:
        """The label without its unit, for tables that show the unit in a column of its own."""
        return self.label.removesuffix(f"（{self.unit}）") if self.unit else self.label

    def display(self, application) -> object:
        """The value as the officials' page shows it."""
        value = getattr(application, self.name)
        if self.format == CHOICE:
            return getattr(application, f"get_{self.name}_display")()
        if self.format == YES_NO and value is not None:
            return "是" if value else "否"
        if self.format == MONEY and value is not None:
            return money(value)
        return value


def _report(name: str) -> FieldSpec:
    return FieldSpec(name, Application._meta.get_field(name).verbose_name, TEXT, required=True, on_form=False)


FIELDS: list[FieldSpec] = [
    FieldSpec("campaign_id", "申报批次", KEY, on_form=False),
    FieldSpec("enterprise_id", "申报企业", KEY, on_form=False),
    FieldSpec("cluster_id", "所属产业集群", KEY, on_form=False),
    *(_report(name) for name in REPORT_SECTIONS),
    FieldSpec("established_on", "成立日期", DATE, required=True),
    FieldSpec("independent_legal_person", "具有独立法人资格", YES_NO, required=True),
    FieldSpec("revenue", "上年度营业收入（万元）", MONEY, required=True, verified=True, unit="万元"),
    FieldSpec("tax_total", "上年度纳税总额（万元）", MONEY, required=True, verified=True, unit="万元"),
    FieldSpec("total_assets", "资产总额（万元）", MONEY, required=True, verified=True, unit="万元"),
    FieldSpec("owners_equity", "所有者权益（万元）", MONEY, required=True, verified=True, unit="万元"),
    FieldSpec("rd_spend", "科技投入（万元）", MONEY, required=True, unit="万元"),
    FieldSpec("net_profit", "上年度净利润（万元）", MONEY, unit="万元"),
    # The two years before 上年度: growth only (the conditions are computed on 上年度, as the notice says).
    FieldSpec("revenue_y2", "前年营业收入（万元）", MONEY, unit="万元"),
    FieldSpec("revenue_y3", "大前年营业收入（万元）", MONEY, unit="万元"),
    FieldSpec("tax_total_y2", "前年纳税总额（万元）", MONEY, unit="万元"),
    FieldSpec("tax_total_y3", "大前年纳税总额（万元）", MONEY, unit="万元"),
    FieldSpec("net_profit_y2", "前年净利润（万元）", MONEY, unit="万元"),
    FieldSpec("net_profit_y3", "大前年净利润（万元）", MONEY, unit="万元"),
    FieldSpec("rd_spend_y2", "前年科技投入（万元）", MONEY, unit="万元"),
    FieldSpec("rd_spend_y3", "大前年科技投入（万元）", MONEY, unit="万元"),
    FieldSpec("registered_capital", "注册资本（万元）", MONEY, unit="万元"),
    FieldSpec("employees", "从业人员（人）", PEOPLE, unit="人"),
    FieldSpec("rd_staff", "研发人员（人）", PEOPLE, unit="人"),
    FieldSpec("main_products", "主导产品", TEXT),
    FieldSpec("market_share", "主导产品市场占有率（%）", TEXT, unit="%"),
    FieldSpec("postal_address", "通讯地址", TEXT),
    FieldSpec("postcode", "邮政编码", TEXT),
    FieldSpec("contact_mobile", "联系人手机", TEXT),
    FieldSpec("contact_email", "联系人电子邮箱", TEXT),
    FieldSpec("cluster_rank", "集群内排名", RANK, required=True, verified=True, unit="位"),
    FieldSpec("iso9000_number", "ISO9000认证证书编号", TEXT, required=True),
    FieldSpec("iso9000_issuer", "ISO9000发证机构", TEXT, required=True),
    FieldSpec("iso9000_valid_until", "ISO9000证书有效期至", DATE, required=True),
    FieldSpec("rd_institution_name", "技术研发机构名称", TEXT, required=True),
    FieldSpec("rd_institution_level", "技术研发机构级别", CHOICE),
    FieldSpec("patents_invention", "发明专利（项）", COUNT, unit="项"),
    FieldSpec("patents_utility", "实用新型专利（项）", COUNT, unit="项"),
    FieldSpec("patents_design", "外观设计专利（项）", COUNT, unit="项"),
    FieldSpec("declares_policy_compliance", "符合国家产业政策、环保政策（B1）", DECLARATION),
    FieldSpec("declares_no_accidents", "近两年未发生质量、安全、环保等事故（E3）", DECLARATION),
    FieldSpec("declares_no_violations", "未发生违法违纪等问题（E4）", DECLARATION),
    # Required, but completeness words it as a promise not yet given rather than a field not filled in.
    FieldSpec("declares_truthful", "材料真实性承诺", DECLARATION),
]

BY_NAME = {spec.name: spec for spec in FIELDS}


def names(*, signed=None, required=None, verified=None, on_form=None, format=None) -> list[str]:
    """The names of the fields that match every given property, in the table's order."""
    wanted = {"signed": signed, "required": required, "verified": verified, "on_form": on_form, "format": format}
    return [
        spec.name
        for spec in FIELDS
        if all(value is None or getattr(spec, key) == value for key, value in wanted.items())
    ]


SIGNED_FIELDS = names(signed=True)
REQUIRED_FIELDS = names(required=True, on_form=True)
VERIFIED_FIELDS = names(verified=True)  # the five figures of the 核实情况证明
FORM_FIELDS = names(on_form=True)  # the 推荐审核表, in the form's order
MONEY_FIELDS = names(format=MONEY)
COUNT_FIELDS = names(format=COUNT)
DECLARATION_FIELDS = names(format=DECLARATION)


# Figures --------------------------------------------------------------------------------------------------------


def percent(numerator, denominator) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


def share(numerator, denominator) -> Decimal | None:
    """A percentage with two decimals, or None when it cannot be computed."""
    if numerator is None or not denominator:
        return None
    return percent(numerator, denominator)


@dataclass(frozen=True)
class FigureRow:
    """One line of the declared-against-verified table (a figure or a share)."""

    name: str
    label: str
    declared: object
    verified: object  # None: the county has not verified it
    unit: str

    @property
    def differs(self):
        return self.verified is not None and self.declared != self.verified

    @property
    def difference(self):
        if not self.differs or self.declared is None or self.unit not in ("万元", "%"):
            return None
        return Decimal(self.verified) - Decimal(self.declared)


SHARES = {  # name: (label, numerator, denominator)
    "equity_share": ("所有者权益占资产总额", "owners_equity", "total_assets"),
    "rd_share": ("科技投入占营业收入", "rd_spend", "revenue"),
}


@dataclass(frozen=True)
class ApplicationFacts:
    """The figures of one application as every screen and document shows them."""

    values: dict  # name → the county's figure where it verified it, else the declared one
    declared: dict  # name → the enterprise's figure
    verified: frozenset = field(default_factory=frozenset)  # names the county verified

    revenue = property(lambda self: self.values["revenue"])
    tax_total = property(lambda self: self.values["tax_total"])
    total_assets = property(lambda self: self.values["total_assets"])
    owners_equity = property(lambda self: self.values["owners_equity"])
    cluster_rank = property(lambda self: self.values["cluster_rank"])
    rd_spend = property(lambda self: self.values["rd_spend"])
    equity_share = property(lambda self: self.share_of("equity_share", self.values))
    rd_share = property(lambda self: self.share_of("rd_share", self.values))

    @staticmethod
    def share_of(name, values) -> Decimal | None:
        _, numerator, denominator = SHARES[name]
        return share(values[numerator], values[denominator])

    def rows(self) -> list[FigureRow]:
        """The verified figures and the shares, declared against verified (None where the county did not)."""
        rows = [
            FigureRow(
                name, BY_NAME[name].short_label, self.declared[name],
                self.values[name] if name in self.verified else None, BY_NAME[name].unit,
            )
            for name in VERIFIED_FIELDS
        ]
        for name, (label, numerator, denominator) in SHARES.items():
            verified = self.share_of(name, self.values) if {numerator, denominator} & self.verified else None
            rows.append(FigureRow(name, label, self.share_of(name, self.declared), verified, "%"))
        return rows


FIGURE_FIELDS = [*VERIFIED_FIELDS, "rd_spend"]
_UNSET = object()


def facts_for(application, verification=_UNSET) -> ApplicationFacts:
    """The application's figures: the county's verified ones where it verified them, else the declared ones.

    `verification` defaults to the application's saved 核实情况证明 (review's `county_verification`); pass None
    for the declared figures only, or an unsaved one (the county's form being filled in) to see its effect.
    """
    if verification is _UNSET:
        verification = getattr(application, "county_verification", None)
    declared = {name: getattr(application, name) for name in FIGURE_FIELDS}
    values = dict(declared)
    verified = set()
    for name in VERIFIED_FIELDS:
        value = getattr(verification, name, None) if verification is not None else None
        if value is not None:
            values[name] = value
            verified.add(name)
    return ApplicationFacts(values=values, declared=declared, verified=frozenset(verified))
