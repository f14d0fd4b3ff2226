"""The title's yearly life after the 认定: 年度运行监测 (公示 and objections are part of the review workflow)."""

from django.db import models


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
