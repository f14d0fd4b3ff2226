"""What happens to the title 河北省产业集群龙头企业 after the meeting decides: 公示, objections, annual monitoring."""

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone

from portal.directory.models import end_of_day


class Publicity(models.Model):
    """公示: the 拟认定名单 of one closed meeting, on a public page for a period the province sets."""

    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="publicities")
    meeting = models.OneToOneField("review.Meeting", on_delete=models.PROTECT, related_name="publicity")
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "拟认定名单公示"
        verbose_name_plural = "拟认定名单公示"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return f"{self.campaign.title}拟认定名单公示（{self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d}）"

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return timezone.localdate(now or timezone.now()) >= self.starts_on

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= end_of_day(self.ends_on)

    def is_running(self, now: dt.datetime | None = None) -> bool:
        return self.has_started(now) and not self.has_ended(now)


class PublicityEntry(models.Model):
    """One enterprise on the 拟认定名单, in the meeting's ranking order (a snapshot: the list never shifts)."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="publicity_entry"
    )
    position = models.PositiveSmallIntegerField("序号")
    enterprise_name = models.CharField("企业名称", max_length=100)
    cluster_name = models.CharField("产业集群", max_length=100)
    city_name = models.CharField("设区市", max_length=60)

    class Meta:
        verbose_name = "公示名单条目"
        verbose_name_plural = "公示名单条目"
        ordering = ["publicity", "position"]
        constraints = [models.UniqueConstraint(fields=["publicity", "position"], name="one_position_per_publicity")]

    def __str__(self):
        return self.enterprise_name


class ObjectionOutcome(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


def objection_evidence_path(instance, filename):
    return f"objections/{uuid.uuid4().hex}"


class Objection(models.Model):
    """异议: lodged by anyone during the 公示 against one listed enterprise; its handling is recorded."""

    entry = models.ForeignKey(PublicityEntry, on_delete=models.PROTECT, related_name="objections")
    reference = models.CharField("异议编号", max_length=30, unique=True)
    name = models.CharField("姓名或单位", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", blank=True)
    content = models.TextField("异议内容", max_length=2000)
    evidence = models.FileField("证明材料", upload_to=objection_evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField("证明材料文件名", max_length=255, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    lodged_at = models.DateTimeField("提出时间", auto_now_add=True)
    lodged_from = models.GenericIPAddressField("来源地址", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=10, choices=ObjectionOutcome.choices, default=ObjectionOutcome.OPEN)
    handling_reason = models.TextField("处理意见", max_length=2000, blank=True)
    handled_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["-lodged_at", "-id"]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.outcome == ObjectionOutcome.OPEN


class MonitoringReport(models.Model):
    """年度运行监测: a holder's key figures of one year, confirmed by its county."""

    # The title is the awarded application; its certificate may be re-issued, the reports stay with the title.
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="monitoring_reports"
    )
    year = models.PositiveSmallIntegerField("监测年度")
    revenue = models.DecimalField("营业收入（万元）", max_digits=14, decimal_places=2)
    tax_total = models.DecimalField("纳税总额（万元）", max_digits=14, decimal_places=2)
    total_assets = models.DecimalField("资产总额（万元）", max_digits=14, decimal_places=2)
    owners_equity = models.DecimalField("所有者权益（万元）", max_digits=14, decimal_places=2)
    rd_spend = models.DecimalField("科技投入（万元）", max_digits=14, decimal_places=2)
    employees = models.PositiveIntegerField("从业人员（人）")
    narrative = models.TextField("运行情况简述", max_length=2000)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    confirmed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("县级确认时间", null=True, blank=True)
    county_note = models.CharField("县级确认意见", max_length=500, blank=True)

    class Meta:
        verbose_name = "年度运行监测"
        verbose_name_plural = "年度运行监测"
        ordering = ["-year", "application_id"]
        constraints = [models.UniqueConstraint(fields=["application", "year"], name="one_report_per_year")]

    def __str__(self):
        return f"{self.year}年度运行监测"
