"""Accounts: one user model with a role, and the unit (officials) or enterprise (enterprise users) it acts for."""

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager, _user_has_perm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户"
    COUNTY = "county", "县级审核员"
    CITY = "city", "市级审核员"
    PROVINCE = "province", "省级审核员"
    SYSADMIN = "sysadmin", "系统管理员"
    AUDITOR = "auditor", "审计管理员"


OFFICIAL_ROLES = {Role.COUNTY, Role.CITY, Role.PROVINCE}
# The role whose accounts use Django's admin (accounts and reference data, never business data).
ADMIN_ROLES = {Role.SYSADMIN}
# Roles that must use a second factor (officials and administrators).
SECOND_FACTOR_ROLES = OFFICIAL_ROLES | {Role.SYSADMIN, Role.AUDITOR}
# Roles whose password expires after settings.OFFICIAL_PASSWORD_MAX_AGE_DAYS (等保: 定期更换).
PASSWORD_ROTATION_ROLES = OFFICIAL_ROLES | {Role.SYSADMIN, Role.AUDITOR}
# Where an account read from the account cache (portal/accounts/backends.py) keeps its session hash.
SESSION_HASH_FIELD = "_cached_session_auth_hash"


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    unit = models.ForeignKey(
        "directory.Division",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
        help_text="县级审核员选县级单位，市级审核员选市级单位，省级审核员选河北省。",
    )
    enterprise = models.ForeignKey(
        "applications.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    is_demo = models.BooleanField("演示账号", default=False)
    must_change_password = models.BooleanField(
        "下次登录须修改密码", default=False, help_text="由系统管理员设置或重置密码的账号，登录后须先修改密码。"
    )

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def password_rotates(self):
        """Officials and administrators must change their password periodically (等保 2.0)."""
        return self.role in PASSWORD_ROTATION_ROLES

    def has_perm(self, perm, obj=None):
        # Django says yes to every question for a superuser; here only the rules (permissions/rules.py) and, for
        # the admin's own model permissions, ModelBackend answer: the 系统管理员 stays out of the business data.
        return self.is_active and _user_has_perm(self, perm, obj)

    def get_session_auth_hash(self):
        """The hash Django checks against the session on every request. An account read from the cache carries the
        one computed when it was cached, as long as its password hash has not been read since (a deferred field)."""
        cached = self.__dict__.get(SESSION_HASH_FIELD)
        if cached is not None and "password" not in self.__dict__:
            return cached
        return super().get_session_auth_hash()

    def set_password(self, raw_password):
        # Every way of setting a password (forms, admin, commands) passes here: the rotation clock restarts.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password):
        def rehash(raw):
            # A hash upgraded to a stronger algorithm is the same password: keep the rotation clock.
            changed_at = self.password_changed_at
            self.set_password(raw)
            self.password_changed_at = changed_at
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, rehash)

    async def acheck_password(self, raw_password):
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.check_password)(raw_password)

    def clean(self):
        super().clean()
        unit = self.unit
        needs = {
            Role.COUNTY: (lambda u: u is not None and u.is_county_level, "县级审核员必须属于一个县级单位。"),
            Role.CITY: (lambda u: u is not None and u.is_city_level, "市级审核员必须属于一个市级单位。"),
            Role.PROVINCE: (lambda u: u is not None and u.is_province, "省级审核员必须属于河北省。"),
        }
        if self.role in needs:
            ok, message = needs[self.role]
            self._clean_official(ok(unit), message)
        elif self.role == Role.ENTERPRISE:
            if unit is not None:
                raise ValidationError({"unit": "企业用户不属于审核单位。"})
        elif unit is not None or self.enterprise_id:
            raise ValidationError({"unit": "管理员账号不属于任何单位或企业。"})

    def _clean_official(self, unit_fits: bool, message: str):
        if not unit_fits:
            raise ValidationError({"unit": message})
        if self.enterprise_id:
            raise ValidationError({"enterprise": "审核员不能属于企业。"})
