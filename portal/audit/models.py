"""Security audit log (等保 8.1.4.3): append-only, separate from the workflow's review records."""

from django.db import models

from portal.dates import chinese_datetime

# Entries are kept at least this long (网络安全法 第二十一条: six months). The PostgreSQL trigger in
# migration 0003 uses the same figure.
RETENTION_DAYS = 180


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")


class Event(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKOUT = "lockout", "账号锁定"
    PASSWORD_CHANGE = "password_change", "修改密码"
    OTP_ENROL = "otp_enrol", "绑定双因素认证"
    TRANSITION = "transition", "流程操作"
    DOWNLOAD = "download", "下载文件"
    EXPORT = "export", "导出"
    ACCESS_DENIED = "access_denied", "拒绝访问"
    ADMIN_CHANGE = "admin_change", "管理操作"
    UPLOAD = "upload", "上传文件"
    PASSWORD_RESET = "password_reset", "找回密码"


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting a user must never rewrite audit rows (SET_NULL would
    # be an UPDATE); the username is copied into every row anyway.
    user = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=20, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    event = models.CharField("事件", max_length=20, choices=Event.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    success = models.BooleanField("成功", default=True)
    detail = models.CharField("详情", max_length=500, blank=True)
    # Admin changes: {field: [old, new]} of every changed field, as text (secrets recorded only as changed).
    changes = models.JSONField("变更（原值 → 新值）", default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{chinese_datetime(self.at, seconds=True)} {self.username} {self.get_event_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")

    @property
    def detail_display(self) -> str:
        """The detail with workflow action codes shown by their Chinese names."""
        from portal.audit.labels import readable_detail

        return readable_detail(self.detail)

    @property
    def role_label(self):
        from portal.accounts.models import Role

        return dict(Role.choices).get(self.role, self.role)
