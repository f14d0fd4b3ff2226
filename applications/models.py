"""What an enterprise fills in: its registration, the application (申请报告 + 推荐审核表) and its materials."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from applications import uscc

MONEY_MAX = 10**12  # 万元; anything above is a typing error, not a company
MONEY_COLUMN = {  # the options of every 万元 column (the forms have their own field options)
    "max_digits": 16,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0, "金额不能为负数。"), MaxValueValidator(MONEY_MAX, "金额超出合理范围，请核对单位（万元）。")],
}
# Profit may be a loss: negative, within the same magnitude.
PROFIT = {
    **MONEY_COLUMN,
    "validators": [
        MinValueValidator(-MONEY_MAX, "金额超出合理范围，请核对单位（万元）。"),
        MaxValueValidator(MONEY_MAX, "金额超出合理范围，请核对单位（万元）。"),
    ],
}
REPORT_SECTION_MAX = 5000
# Revenue above this many 万元 (1,000 亿元) is almost always 元 typed into a 万元 field: the form asks to confirm.
REVENUE_CONFIRM_ABOVE = 10_000_000


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    COUNTY_REVIEW = "county_review", "待县级初审"
    CITY_REVIEW = "city_review", "待市级审核"
    PROVINCE_REVIEW = "province_review", "待省级审定"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予推荐"
    AWARDED = "awarded", "已认定"
    NOT_AWARDED = "not_awarded", "未予认定"
    WITHDRAWN = "withdrawn", "已撤回"
    REVOKED = "revoked", "已撤销称号"


EDITABLE_STATES = {State.DRAFT, State.RETURNED, State.WITHDRAWN}


class Enterprise(models.Model):
    name = models.CharField("企业名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    county = models.ForeignKey(
        "directory.Division", verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="enterprises"
    )
    cluster = models.ForeignKey(
        "directory.Cluster", verbose_name="所属产业集群", on_delete=models.PROTECT, related_name="enterprises"
    )
    legal_representative = models.CharField("法定代表人", max_length=50)
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    address = models.CharField("注册地址", max_length=200)
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.credit_code = uscc.normalise(self.credit_code)


class Application(models.Model):
    """One enterprise's application in one campaign. Its state changes only through review.services."""

    campaign = models.ForeignKey(
        "directory.Campaign", verbose_name="申报批次", on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="申报企业", on_delete=models.PROTECT, related_name="applications"
    )
    cluster = models.ForeignKey(
        "directory.Cluster", verbose_name="所属产业集群", on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    # 申请报告: the eight sections of the notice
    report_basic = models.TextField("企业基本情况", blank=True, max_length=REPORT_SECTION_MAX)
    report_position = models.TextField("在区域经济发展中的地位作用", blank=True, max_length=REPORT_SECTION_MAX)
    report_brand = models.TextField("品牌建设", blank=True, max_length=REPORT_SECTION_MAX)
    report_innovation = models.TextField("自主创新", blank=True, max_length=REPORT_SECTION_MAX)
    report_cooperation = models.TextField("专业协作", blank=True, max_length=REPORT_SECTION_MAX)
    report_energy = models.TextField("节能减排", blank=True, max_length=REPORT_SECTION_MAX)
    report_responsibility = models.TextField("履行社会责任", blank=True, max_length=REPORT_SECTION_MAX)
    report_leading = models.TextField("带动中小企业", blank=True, max_length=REPORT_SECTION_MAX)
    # 推荐审核表
    established_on = models.DateField("成立日期", null=True, blank=True)
    independent_legal_person = models.BooleanField("具有独立法人资格", null=True, blank=True)
    revenue = models.DecimalField("上年度营业收入（万元）", **MONEY_COLUMN)
    tax_total = models.DecimalField("上年度纳税总额（万元）", **MONEY_COLUMN)
    total_assets = models.DecimalField("资产总额（万元）", **MONEY_COLUMN)
    owners_equity = models.DecimalField("所有者权益（万元）", **MONEY_COLUMN)
    rd_spend = models.DecimalField("科技投入（万元）", **MONEY_COLUMN)
    net_profit = models.DecimalField("上年度净利润（万元）", **PROFIT)
    # The two years before 上年度 (the conditions are computed on 上年度 only, as the notice says; these show growth).
    revenue_y2 = models.DecimalField("前年营业收入（万元）", **MONEY_COLUMN)
    revenue_y3 = models.DecimalField("大前年营业收入（万元）", **MONEY_COLUMN)
    tax_total_y2 = models.DecimalField("前年纳税总额（万元）", **MONEY_COLUMN)
    tax_total_y3 = models.DecimalField("大前年纳税总额（万元）", **MONEY_COLUMN)
    net_profit_y2 = models.DecimalField("前年净利润（万元）", **PROFIT)
    net_profit_y3 = models.DecimalField("大前年净利润（万元）", **PROFIT)
    rd_spend_y2 = models.DecimalField("前年科技投入（万元）", **MONEY_COLUMN)
    rd_spend_y3 = models.DecimalField("大前年科技投入（万元）", **MONEY_COLUMN)
    registered_capital = models.DecimalField("注册资本（万元）", **MONEY_COLUMN)
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True, validators=[MaxValueValidator(2_000_000)])
    rd_staff = models.PositiveIntegerField("研发人员（人）", null=True, blank=True, validators=[MaxValueValidator(2_000_000)])
    main_products = models.CharField("主导产品", max_length=200, blank=True)
    market_share = models.DecimalField(
        "主导产品市场占有率（%）", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0, "市场占有率不能为负数。"), MaxValueValidator(100, "市场占有率不能超过 100%%。")],
    )
    postal_address = models.CharField("通讯地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    contact_mobile = models.CharField("联系人手机", max_length=20, blank=True)
    contact_email = models.EmailField("联系人电子邮箱", blank=True)
    cluster_rank = models.PositiveSmallIntegerField(
        "集群内排名", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )
    iso9000_number = models.CharField("ISO9000认证证书编号", max_length=60, blank=True)
    iso9000_issuer = models.CharField("ISO9000发证机构", max_length=100, blank=True)
    iso9000_valid_until = models.DateField("ISO9000证书有效期至", null=True, blank=True)
    rd_institution_name = models.CharField("技术研发机构名称", max_length=100, blank=True)
    rd_institution_level = models.CharField(
        "技术研发机构级别", max_length=10, blank=True, choices=[("国家级", "国家级"), ("省级", "省级"), ("市级", "市级"), ("企业级", "企业级")]
    )
    patents_invention = models.PositiveIntegerField("发明专利（项）", default=0, validators=[MaxValueValidator(100000)])
    patents_utility = models.PositiveIntegerField("实用新型专利（项）", default=0, validators=[MaxValueValidator(100000)])
    patents_design = models.PositiveIntegerField("外观设计专利（项）", default=0, validators=[MaxValueValidator(100000)])
    declares_policy_compliance = models.BooleanField("符合国家产业政策、环保政策（B1）", default=False)
    declares_no_accidents = models.BooleanField("近两年未发生质量、安全、环保等事故（E3）", default=False)
    declares_no_violations = models.BooleanField("未发生违法违纪等问题（E4）", default=False)
    declares_truthful = models.BooleanField("材料真实性承诺", default=False)
    # Set by the city: 集群内推荐排序
    city_rank = models.PositiveSmallIntegerField("集群内推荐排序", null=True, blank=True)
    # 复核: a holder's application to keep its title at expiry; `renews` is the title (awarded application) renewed.
    renews = models.ForeignKey(
        "self", verbose_name="复核的称号", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # 申报编号 such as 2024-131125-0007, assigned at the first 提交申报 and kept on resubmission.
    filing_number = models.CharField("申报编号", max_length=20, blank=True, default="")
    # The city-level unit that reviews this application, fixed at the first 提交申报 from the county's routing
    # then (Division.reviewing_city): a later routing change applies to new submissions, never to this one.
    reviewing_city = models.ForeignKey(
        "directory.Division", verbose_name="审核市", null=True, blank=True, on_delete=models.PROTECT,
        related_name="routed_applications",
    )
    # The county whose officials do the 初审: the enterprise's county at the first 提交申报, kept like the reviewing
    # city (an enterprise that later moves leaves its submitted applications with the county that took them). The
    # county's pages find their applications through this column and the index below, not through the enterprise.
    reviewing_county = models.ForeignKey(
        "directory.Division", verbose_name="初审县", null=True, blank=True, on_delete=models.PROTECT,
        related_name="first_reviewed_applications",
    )
    # Incremented on each save of the form: a stale form (another tab, a double click) is detected.
    version = models.PositiveIntegerField(default=0)
    # The conditions' verdicts as of the last change to what they judge (applications.services.record_conditions),
    # on the county's verified figures once there are any: codes such as "A5 E1". Lists show and filter on them.
    unmet_conditions = models.CharField("不满足的申报条件", max_length=80, blank=True, default="")
    pending_conditions = models.CharField("待核实的申报条件", max_length=80, blank=True, default="")

    class Meta:
        verbose_name = "申报"
        verbose_name_plural = "申报"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "enterprise"], name="one_application_per_campaign"),
            models.UniqueConstraint(
                fields=["campaign", "filing_number"], condition=~models.Q(filing_number=""),
                name="filing_number_unique_per_campaign",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "cluster", "state"]),
            models.Index(fields=["campaign", "reviewing_county", "state"], name="application_county_queue"),
            models.Index(fields=["campaign", "reviewing_city", "state"], name="application_city_queue"),
            # Across campaigns: a county's or a city's titles (年度运行监测, 证书管理) without reading every application
            # it ever took.
            models.Index(fields=["reviewing_county", "state"], name="application_county_titles"),
            models.Index(fields=["reviewing_city", "state"], name="application_city_titles"),
        ]

    def __str__(self):
        return f"{self.enterprise.name}（{self.campaign.year}）"

    @property
    def city(self):
        """The city-level unit that reviews it: the one fixed at submission; before that, the county's routing."""
        return self.reviewing_city if self.reviewing_city_id else self.enterprise.county.reviewing_city

    @property
    def city_id(self):
        return self.reviewing_city_id or self.enterprise.county.reviewing_city_id

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def unmet_codes(self) -> list[str]:
        return self.unmet_conditions.split()

    @property
    def pending_codes(self) -> list[str]:
        return self.pending_conditions.split()

    @property
    def patents_total(self):
        return (self.patents_invention or 0) + (self.patents_utility or 0) + (self.patents_design or 0)


REPORT_SECTIONS = [
    "report_basic",
    "report_position",
    "report_brand",
    "report_innovation",
    "report_cooperation",
    "report_energy",
    "report_responsibility",
    "report_leading",
]


class HonourKind(models.TextChoices):
    FAMOUS_PRODUCT = "famous_product", "名牌产品"
    FAMOUS_TRADEMARK = "famous_trademark", "著名商标"
    WELL_KNOWN_TRADEMARK = "well_known_trademark", "驰名商标"
    CREDIT = "credit", "信用优良企业"
    SCIENCE_AWARD = "science_award", "科技进步奖"
    HIGH_TECH = "high_tech", "高新技术企业"
    OTHER = "other", "其他"


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"


class Honour(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField("荣誉类型", max_length=30, choices=HonourKind.choices)
    level = models.CharField("级别", max_length=20, choices=HonourLevel.choices)
    name = models.CharField("荣誉名称", max_length=100)
    year = models.PositiveSmallIntegerField("获得年份", validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    issuer = models.CharField("颁发单位", max_length=100)

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        ordering = ["id"]

    def __str__(self):
        return self.name


class PartnerSME(models.Model):
    """A small or medium enterprise the applicant leads (协作配套清单, condition D1)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("企业名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    cooperation = models.CharField("协作方式", max_length=100)

    class Meta:
        verbose_name = "带动中小企业"
        verbose_name_plural = "带动中小企业"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "credit_code"], name="partner_once_per_application"),
        ]

    def __str__(self):
        return self.name


class MaterialKind(models.TextChoices):
    LICENCE = "licence", "（四）企业营业执照副本复印件"
    TAX = "tax", "（五）税务部门开具的上一年度纳税证明"
    CREDIT = "credit", "（六）企业资信证明"
    HONOURS = "honours", "（七）省级以上名牌产品、著（驰）名商标、体系认证等荣誉复印件"
    OTHER = "other", "（八）其他能够证明符合申报条件的材料"


REQUIRED_MATERIALS = [MaterialKind.LICENCE, MaterialKind.TAX, MaterialKind.CREDIT, MaterialKind.HONOURS]
MULTIPLE_FILE_MATERIALS = {MaterialKind.HONOURS, MaterialKind.OTHER}


def material_path(instance, filename):
    # The stored name is generated; the user's file name is kept only in original_name for display.
    return f"materials/{instance.application_id}/{uuid.uuid4().hex}"


class Material(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("材料类型", max_length=20, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to=material_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=50)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        # In the notice's order (四 … 八), not alphabetically by the stored key.
        ordering = [
            models.Case(*[models.When(kind=k, then=i) for i, k in enumerate(MaterialKind.values)]),
            "uploaded_at",
            "id",
        ]

    def __str__(self):
        return self.original_name
