"""The county → city → province workflow's records and what the province produces."""

import datetime as dt
import secrets
import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from applications.models import MONEY_COLUMN, Application
from portal.dates import chinese_date
from portal.directory.models import end_of_day


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审核记录只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审核记录只能追加，不能删除。")


class AppendOnlyModel(models.Model):
    """Rows are written once. Updates and deletes are refused here and, on PostgreSQL, by a trigger."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审核记录只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审核记录只能追加，不能删除。")


class ReviewRecord(AppendOnlyModel):
    """One transition: who took which action, from which state to which, and a hash of what was signed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="review_records")
    action = models.CharField("操作", max_length=30)
    action_label = models.CharField("操作名称", max_length=30)
    from_state = models.CharField("原状态", max_length=20)
    to_state = models.CharField("新状态", max_length=20)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("经办人", max_length=50)
    actor_role = models.CharField("角色", max_length=20)
    actor_unit = models.ForeignKey("directory.Division", null=True, on_delete=models.PROTECT, related_name="+")
    actor_unit_name = models.CharField("单位", max_length=60, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    opinion = models.TextField("意见", blank=True, max_length=2000)
    internal_note = models.TextField("内部备注", blank=True, max_length=2000)
    # What a 退回修改 concerns (applications.return_targets keys, e.g. "material-tax"): the enterprise is led there.
    return_targets = models.JSONField("退回涉及的内容", default=list, blank=True)
    # Passing, forwarding or awarding against a failing condition or a 不符合 抽查: what was acknowledged, and why.
    overridden = models.CharField("知悉不满足的条件", max_length=100, blank=True)
    override_reason = models.TextField("仍决定通过的理由", blank=True, max_length=2000)
    data_sha256 = models.CharField("签署数据SHA-256", max_length=64)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action_label}：{self.application_id}"


class CountyVerification(models.Model):
    """县级核实情况证明: the figures the county verified. `version` detects concurrent edits."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="county_verification")
    revenue = models.DecimalField("核实营业收入（万元）", **MONEY_COLUMN)
    tax_total = models.DecimalField("核实纳税总额（万元）", **MONEY_COLUMN)
    total_assets = models.DecimalField("核实资产总额（万元）", **MONEY_COLUMN)
    owners_equity = models.DecimalField("核实所有者权益（万元）", **MONEY_COLUMN)
    cluster_rank = models.PositiveSmallIntegerField("核实集群内排名", null=True, blank=True)
    remarks = models.TextField("核实说明", blank=True, max_length=2000)
    # The county's verdict on each condition whose evidence it checks (eligibility.COUNTY_CHECKED):
    # {"B1": {"verdict": "met" | "unmet", "note": "…"}}; a condition without one stays 待核实.
    condition_checks = models.JSONField("县级核实结论", default=dict, blank=True)
    verified_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField("核实时间", auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "县级核实情况证明"
        verbose_name_plural = "县级核实情况证明"

    def __str__(self):
        return f"核实情况证明：{self.application_id}"


class VerificationVersionKind(models.TextChoices):
    SAVED = "saved", "保存核实情况"
    RECONFIRMED = "reconfirmed", "确认核实情况无变化"


class CountyVerificationVersion(AppendOnlyModel):
    """Each save of the 核实情况证明 (and each re-confirmation after a resubmission), as it was: who, when, what."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="verification_versions")
    number = models.PositiveIntegerField("版本")
    kind = models.CharField("类别", max_length=12, choices=VerificationVersionKind.choices)
    revenue = models.DecimalField("核实营业收入（万元）", **MONEY_COLUMN)
    tax_total = models.DecimalField("核实纳税总额（万元）", **MONEY_COLUMN)
    total_assets = models.DecimalField("核实资产总额（万元）", **MONEY_COLUMN)
    owners_equity = models.DecimalField("核实所有者权益（万元）", **MONEY_COLUMN)
    cluster_rank = models.PositiveSmallIntegerField("核实集群内排名", null=True, blank=True)
    remarks = models.TextField("核实说明", blank=True, max_length=2000)
    condition_checks = models.JSONField("县级核实结论", default=dict, blank=True)
    # The submission this version verified: after a return and resubmission it no longer matches.
    submitted_at = models.DateTimeField("所核实的提交时间", null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_by_name = models.CharField("核实人", max_length=50)
    at = models.DateTimeField("时间")  # named as the append-only trigger (audit 0003) reads it

    class Meta:
        verbose_name = "核实情况证明版本"
        verbose_name_plural = "核实情况证明版本"
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="one_verification_version_number"),
        ]

    def __str__(self):
        return f"核实情况证明第{self.number}版：{self.application_id}"


class ClusterQuota(models.Model):
    """Forwarded applications per cluster in a campaign. The database refuses `used > quota`."""

    campaign = models.ForeignKey("directory.Campaign", on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey("directory.Cluster", on_delete=models.CASCADE, related_name="+")
    quota = models.PositiveSmallIntegerField()
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "集群推荐名额"
        verbose_name_plural = "集群推荐名额"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cluster"], name="one_quota_per_cluster_campaign"),
            models.CheckConstraint(condition=Q(used__lte=F("quota")), name="quota_not_exceeded"),
        ]

    def __str__(self):
        return f"{self.cluster_id}: {self.used}/{self.quota}"


class DeadlineExtension(AppendOnlyModel):
    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="deadline_extensions")
    level = models.CharField("截止类型", max_length=20)
    old_date = models.DateField("原截止日期")
    new_date = models.DateField("新截止日期")
    reason = models.TextField("延期理由", max_length=1000)
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "截止日期延期记录"
        verbose_name_plural = "截止日期延期记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.level}: {self.old_date} → {self.new_date}"


class SpotCheckDraw(models.Model):
    """抽查: a reproducible sample of forwarded applications (seed and drawn list stored).

    One draw per campaign; a redraw names the draw it replaces and gives a reason. Both are kept: the latest
    is the current one, and every earlier one (and its recorded checks) stays on the page.
    """

    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="spot_check_draws")
    share_percent = models.PositiveSmallIntegerField("抽查比例（%）")
    seed = models.CharField("随机种子", max_length=64)
    population = models.JSONField("抽样总体（申报ID）")
    drawn = models.JSONField("抽中申报ID")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)
    replaces = models.OneToOneField(
        "self", verbose_name="被重新抽取的批次", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    redraw_reason = models.TextField("重新抽取理由", blank=True, max_length=1000)

    class Meta:
        verbose_name = "抽查批次"
        verbose_name_plural = "抽查批次"
        ordering = ["-created_at"]

    def __str__(self):
        return f"抽查 {self.share_percent}%（{chinese_date(self.created_at)}）"


class SpotCheckResult(models.TextChoices):
    PENDING = "", "未检查"
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"


def check_record_path(instance, filename):
    return f"spot_checks/{instance.draw_id}/{secrets.token_hex(16)}"


class SpotCheck(models.Model):
    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.CASCADE, related_name="checks")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="spot_checks")
    result = models.CharField("抽查结果", max_length=10, choices=SpotCheckResult.choices, blank=True)
    notes = models.TextField("抽查情况", blank=True, max_length=2000)
    record_file = models.FileField("抽查记录", upload_to=check_record_path, blank=True)
    record_sha256 = models.CharField(max_length=64, blank=True)
    checked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "抽查"
        constraints = [models.UniqueConstraint(fields=["draw", "application"], name="one_check_per_draw")]

    def __str__(self):
        return f"抽查：{self.application_id}"


class Meeting(models.Model):
    """会议研究. Once closed its decisions are frozen."""

    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="meetings")
    name = models.CharField("会议名称", max_length=100)
    held_on = models.DateField("会议日期")
    minutes_number = models.CharField("纪要文号", max_length=50)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    awarded_at = models.DateTimeField("认定时间", null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "会议研究"
        verbose_name_plural = "会议研究"
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.name

    @property
    def is_closed(self):
        return self.closed_at is not None


class Decision(models.TextChoices):
    AWARD = "award", "认定"
    DECLINE = "decline", "不予认定"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="meeting_decision")
    decision = models.CharField("会议结论", max_length=10, choices=Decision.choices)
    rank = models.PositiveSmallIntegerField("认定排序", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "会议结论"
        verbose_name_plural = "会议结论"
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "rank"], name="unique_rank_per_meeting"),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}：{self.application_id}"


def new_verification_token():
    return secrets.token_urlsafe(24)


def validity_end(issued_on: dt.date, years: int) -> dt.date:
    """有效期至: the day before the `years`-th anniversary of the issue date (issued 2024年12月20日 for 3 years → valid
    until 2027年12月19日; 29 February counts from 1 March)."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:
        anniversary = dt.date(issued_on.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已撤销"
    REPLACED = "replaced", "已换发"


class RevocationGround(models.TextChoices):
    """The notice's conditions (第5条) a holder must keep meeting, and the usual grounds of such programmes."""

    ACCIDENT = "accident", "发生重大质量、安全、环保等事故"
    ILLEGAL = "illegal", "存在违法违纪等问题"
    FALSE_MATERIAL = "false_material", "申报材料弄虚作假"
    CONDITIONS = "conditions", "经复核或监测不再符合认定条件"
    OTHER = "other", "其他"


class CertificateQuerySet(models.QuerySet):
    """Certificates by status: the rule `Certificate.status()` reads on one certificate, as a query. 已撤销 comes
    first, then 已换发 (re-issued, or superseded by a 复核's new certificate), then 已过期; the rest are 有效."""

    def revoked(self):
        return self.filter(revoked_at__isnull=False)

    def replaced(self):
        return self.filter(revoked_at__isnull=True, replaced_by__isnull=False)

    def _current(self):
        return self.filter(revoked_at__isnull=True, replaced_by__isnull=True)

    def expired(self, today: dt.date | None = None):
        return self._current().filter(expires_on__lt=today or timezone.localdate())

    def valid(self, today: dt.date | None = None):
        """有效: the certificates in force, the ones printed (证书合订本, 牌匾制作清单) and counted as titles held."""
        return self._current().exclude(expires_on__lt=today or timezone.localdate())

    def with_status(self, status: str, today: dt.date | None = None):
        """The certificates whose `status(today)` is `status`; an unknown status filters nothing."""
        if status == CertificateStatus.REVOKED:
            return self.revoked()
        if status == CertificateStatus.REPLACED:
            return self.replaced()
        if status == CertificateStatus.EXPIRED:
            return self.expired(today)
        if status == CertificateStatus.VALID:
            return self.valid(today)
        return self


class Certificate(models.Model):
    # The current certificate of an application; a re-issued one keeps `issued_for` and loses `application`.
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    issued_for = models.ForeignKey(
        Application, null=True, on_delete=models.PROTECT, related_name="certificate_history"
    )
    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="certificates")
    serial = models.PositiveIntegerField("序号")
    reissue_index = models.PositiveSmallIntegerField("换发次数", default=0)
    number = models.CharField("证书编号", max_length=60, unique=True)
    token = models.CharField("验证令牌", max_length=64, unique=True, default=new_verification_token)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)
    revocation_ground = models.CharField("撤销事由", max_length=20, choices=RevocationGround.choices, blank=True)
    revoked_basis = models.CharField("撤销决定文号", max_length=200, blank=True)  # the province's decision document
    revoked_by = models.ForeignKey(
        "accounts.User", verbose_name="撤销人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces", verbose_name="换发为"
    )
    replaced_at = models.DateTimeField("换发时间", null=True, blank=True)
    reissue_reason = models.CharField("换发原因", max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "证书"
        verbose_name_plural = "证书"
        ordering = ["campaign", "serial", "reissue_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "serial", "reissue_index"], name="gap_free_serial_per_campaign"
            )
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self.issued_for_id is None:  # the application it is issued for, kept when a re-issue moves on
            self.issued_for_id = self.application_id
        super().save(*args, **kwargs)

    def status(self, today: dt.date | None = None) -> str:
        """有效 / 已过期 / 已撤销 / 已换发, in that order of precedence from the last (the same rule as
        `CertificateQuerySet.with_status`, which answers it for a query)."""
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.replaced_by_id is not None:
            return CertificateStatus.REPLACED
        if self.expires_on is not None and (today or timezone.localdate()) > self.expires_on:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    def status_label(self, today: dt.date | None = None) -> str:
        return CertificateStatus(self.status(today)).label

    @property
    def is_valid(self):
        return self.status() == CertificateStatus.VALID


class Publicity(models.Model):
    """公示: the 拟认定名单 of one closed meeting, on a public page for a period the province sets."""

    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="publicities")
    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="publicity")
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示截止日期")
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = "拟认定名单公示"
        verbose_name_plural = "拟认定名单公示"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return f"{self.campaign.title}拟认定名单公示（{chinese_date(self.starts_on)}至{chinese_date(self.ends_on)}）"

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return timezone.localdate(now or timezone.now()) >= self.starts_on

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= end_of_day(self.ends_on)

    def is_running(self, now: dt.datetime | None = None) -> bool:
        return self.has_started(now) and not self.has_ended(now)


class PublicityEntry(models.Model):
    """One enterprise on the 拟认定名单, in the meeting's ranking order (a snapshot: the list never shifts)."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="publicity_entry")
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


class Notification(models.Model):
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(Application, null=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The list's order: a page is read from the index, however many notifications the user has.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_recipient_newest"),
        ]

    def __str__(self):
        return self.message


class CertificateBatch(models.Model):
    """生成证书: one background job making a campaign's combined PDF and ZIP, with its progress."""

    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="certificate_batches")
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10,
        choices=[("queued", "排队中"), ("running", "生成中"), ("finished", "已完成"), ("failed", "失败")],
        default="queued",
    )
    error = models.TextField(blank=True)
    combined_pdf = models.FileField(upload_to="certificates/", blank=True)
    zip_file = models.FileField(upload_to="certificates/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "证书生成任务"
        verbose_name_plural = "证书生成任务"
        ordering = ["-requested_at"]

    def __str__(self):
        return f"证书生成 {self.campaign_id}（{self.get_status_display()}）"


class LetterKind(models.TextChoices):
    RECOMMENDATION = "recommendation", "推荐文件"
    ANNOUNCEMENT = "announcement", "通报"
    REVOCATION = "revocation", "撤销称号通报"


class IssuedLetter(models.Model):
    """A 公文 as issued: the 发文字号, 签发人 and 成文日期 the issuing official entered (GB/T 9704-2012).

    One 推荐文件 or 通报 per kind, campaign and issuing unit; issuing again corrects it (the audit log keeps each
    version). The list the letter prints is read when it is rendered, from the same selector as the 汇总表.
    A 撤销称号通报 is different: each one lists the revocations not announced before (of any campaign) and keeps
    them (RevocationNoticeEntry), so the issued document never changes; its campaign is the one in force when it
    was issued, whose seal it bears.
    """

    kind = models.CharField("公文类别", max_length=20, choices=LetterKind.choices)
    campaign = models.ForeignKey("directory.Campaign", on_delete=models.PROTECT, related_name="issued_letters")
    unit = models.ForeignKey("directory.Division", on_delete=models.PROTECT, related_name="+", verbose_name="发文机关")
    document_number = models.CharField("发文字号", max_length=50)
    signer = models.CharField("签发人", max_length=30, blank=True)
    dated = models.DateField("成文日期")
    copy_to = models.CharField("抄送机关", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = "发文登记"
        verbose_name_plural = "发文登记"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "campaign", "unit"], condition=~Q(kind="revocation"),
                name="one_letter_per_kind_campaign_unit",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.document_number}"


class RevocationNoticeEntry(models.Model):
    """One revoked title as a 撤销称号通报 lists it, copied when the 通报 is issued: a later re-issue, rename or
    correction never changes an issued document. A revocation is announced once."""

    letter = models.ForeignKey(IssuedLetter, on_delete=models.PROTECT, related_name="revocation_entries")
    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="revocation_notice_entry")
    position = models.PositiveSmallIntegerField("序号")
    enterprise_name = models.CharField("企业名称", max_length=100)
    city_name = models.CharField("设区市", max_length=60, blank=True)
    certificate_number = models.CharField("证书编号", max_length=60)
    campaign_year = models.PositiveSmallIntegerField("认定年度")
    ground = models.CharField("撤销事由", max_length=60)
    reason = models.CharField("撤销原因", max_length=200)
    basis = models.CharField("撤销决定文号", max_length=200)
    revoked_on = models.DateField("撤销日期")

    class Meta:
        verbose_name = "撤销称号通报条目"
        verbose_name_plural = "撤销称号通报条目"
        ordering = ["letter", "position"]
        constraints = [models.UniqueConstraint(fields=["letter", "position"], name="one_position_per_revocation_notice")]

    def __str__(self):
        return f"{self.enterprise_name}（{self.certificate_number}）"
