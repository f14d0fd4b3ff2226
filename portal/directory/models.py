"""The directory every other app reads: divisions (with review routing), clusters and campaigns."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.dates import chinese_date

SHANGHAI = ZoneInfo("Asia/Shanghai")


class DivisionKind(models.TextChoices):
    PROVINCE = "province", "省"
    PREFECTURE_CITY = "prefecture_city", "设区市"
    PROVINCIAL_DIRECT_CITY = "provincial_direct_city", "省直管市"
    NEW_AREA = "new_area", "国家级新区"
    DISTRICT = "district", "市辖区"
    COUNTY = "county", "县"
    AUTONOMOUS_COUNTY = "autonomous_county", "自治县"
    COUNTY_LEVEL_CITY = "county_level_city", "县级市"
    FUNCTIONAL_ZONE = "functional_zone_nbs", "开发区（功能区）"


COUNTY_LEVEL_KINDS = {
    DivisionKind.DISTRICT,
    DivisionKind.COUNTY,
    DivisionKind.AUTONOMOUS_COUNTY,
    DivisionKind.COUNTY_LEVEL_CITY,
    DivisionKind.FUNCTIONAL_ZONE,
    DivisionKind.PROVINCIAL_DIRECT_CITY,
}
CITY_LEVEL_KINDS = {DivisionKind.PREFECTURE_CITY, DivisionKind.PROVINCIAL_DIRECT_CITY, DivisionKind.NEW_AREA}


class DivisionQuerySet(models.QuerySet):
    def county_level(self):
        return self.filter(kind__in=COUNTY_LEVEL_KINDS)

    def city_level(self):
        return self.filter(kind__in=CITY_LEVEL_KINDS)


class Division(models.Model):
    """A unit of GB/T 2260 (or a development zone). County-level units carry their review routing."""

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("级别", max_length=30, choices=DivisionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    reviewing_city = models.ForeignKey(
        "self",
        verbose_name="市级审核单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="routed_counties",
        help_text="县级单位的申报由哪个市级单位审核汇总（如雄县、容城、安新可改由雄安新区审核）。",
    )
    office_name = models.CharField(
        "主管部门名称",
        max_length=60,
        blank=True,
        help_text="负责本项工作的中小企业主管部门全称，如：安平县工业和信息化局。用于意见栏、证明和公文署名。",
    )
    office_phone = models.CharField("主管部门联系电话", max_length=40, blank=True)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def is_county_level(self):
        return self.kind in COUNTY_LEVEL_KINDS

    @property
    def is_city_level(self):
        return self.kind in CITY_LEVEL_KINDS

    @property
    def is_province(self):
        return self.kind == DivisionKind.PROVINCE


class Cluster(models.Model):
    """A 省级中小企业产业集群 confirmed by the province; it belongs to one county-level unit."""

    name = models.CharField("集群名称", max_length=100, unique=True)
    county = models.ForeignKey(
        Division, verbose_name="所在县（市、区）", on_delete=models.PROTECT, related_name="clusters"
    )
    industry = models.CharField("主导产业", max_length=100)
    confirmed_year = models.PositiveSmallIntegerField("确认年度")
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "产业集群"
        verbose_name_plural = "产业集群"
        ordering = ["county_id", "name"]

    def __str__(self):
        return self.name


class CampaignState(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class DeadlineLevel(models.TextChoices):
    ENTERPRISE = "enterprise", "企业申报截止"
    COUNTY = "county", "县级初审截止"
    CITY = "city", "市级审核截止"


def end_of_day(day: dt.date) -> dt.datetime:
    """A deadline date means the whole of that day in Asia/Shanghai: it passes at 00:00 the next day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)


class Campaign(models.Model):
    title = models.CharField("批次名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度", unique=True)
    document_number = models.CharField("通知文号", max_length=50)
    opens_on = models.DateField("开始日期")
    enterprise_deadline = models.DateField("企业申报截止日期")
    county_deadline = models.DateField("县级初审截止日期")
    city_deadline = models.DateField("市级审核截止日期")
    quota_per_cluster = models.PositiveSmallIntegerField("每个集群推荐上限", default=3)
    title_validity_years = models.PositiveSmallIntegerField("称号有效期（年）", default=3)
    publicity_required = models.BooleanField(
        "认定前须公示", default=True, help_text="会议研究后，拟认定名单须在门户公示期满、异议处理完毕方可认定。"
    )
    renewal_counts_quota = models.BooleanField(
        "复核申请占用推荐名额", default=False, help_text="称号到期复核的申请是否计入每个集群的推荐上限。"
    )
    certificate_prefix = models.CharField("证书编号前缀", max_length=30, help_text="如：冀企产龙〔2024〕")
    state = models.CharField("状态", max_length=20, choices=CampaignState.choices, default=CampaignState.NOT_STARTED)
    seal_image = models.ImageField("印章图片", upload_to="seals/", blank=True)
    results_published_at = models.DateTimeField("通报公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "申报批次"
        verbose_name_plural = "申报批次"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=Q(state="open"), name="at_most_one_open_campaign"),
        ]

    def __str__(self):
        return self.title

    # Once a campaign has opened these are the province's decisions, taken through its recorded actions
    # (延长截止日期 with a reason, 通报公布), never edited in the admin (separation of duties).
    PROVINCE_DECIDES = ("enterprise_deadline", "county_deadline", "city_deadline", "quota_per_cluster", "results_published_at")

    @property
    def under_way(self) -> bool:
        """Opened at some point (open or closed)."""
        return self.state != CampaignState.NOT_STARTED

    def deadline(self, level: str) -> dt.date:
        return getattr(self, f"{level}_deadline")

    def deadline_order_errors(self) -> dict[str, str]:
        """The deadlines follow the review: enterprise ≤ county ≤ city. {field: message} for each out of order."""
        enterprise, county, city = self.enterprise_deadline, self.county_deadline, self.city_deadline
        errors = {}
        if enterprise and county and county < enterprise:
            errors["county_deadline"] = f"县级初审截止日期不能早于企业申报截止日期（{chinese_date(enterprise)}）。"
        if county and city and city < county:
            errors["city_deadline"] = f"市级审核截止日期不能早于县级初审截止日期（{chinese_date(county)}）。"
        return errors

    def clean(self):
        super().clean()
        errors = self.deadline_order_errors()
        if errors:
            raise ValidationError(errors)

    def deadline_passed(self, level: str, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= end_of_day(self.deadline(level))

    def certificate_number(self, serial: int) -> str:
        return f"{self.certificate_prefix}第{serial:03d}号"

    def eligible_clusters(self):
        """The campaign's list: every active cluster confirmed by its year."""
        return Cluster.objects.filter(active=True, confirmed_year__lte=self.year)

    @classmethod
    def current(cls):
        return cls.objects.filter(state=CampaignState.OPEN).first()
