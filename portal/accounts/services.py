"""Account writes: disabling accounts, and the second factor (TOTP with recovery codes)."""

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import SECOND_FACTOR_ROLES, User
from portal.audit.models import Event
from portal.audit.services import audit

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "手机验证器"
RECOVERY_DEVICE_NAME = "恢复码"


class SecondFactorRefused(Exception):
    """The code was wrong or cannot be used; the message is for the user."""


def password_is_due(user, *, now=None) -> bool:
    """True when an official's or administrator's password is older than the allowed age."""
    if not user.password_rotates:
        return False
    max_age = dt.timedelta(days=settings.OFFICIAL_PASSWORD_MAX_AGE_DAYS)
    return user.password_changed_at <= (now or timezone.now()) - max_age


def must_change_password(user) -> bool:
    """The 系统管理员 set this password (a new account, or a reset): the user replaces it before anything else."""
    return bool(getattr(user, "must_change_password", False))


def second_factor_required(user) -> bool:
    if not getattr(settings, "TWO_FACTOR_ENFORCED", True) or user.role not in SECOND_FACTOR_ROLES:
        return False
    return not (user.is_demo and settings.DEMO_ACCOUNTS_SKIP_2FA)


def second_factor_pending(user) -> bool:
    """Logged in with a password but not yet with the second factor it needs."""
    return second_factor_required(user) and not getattr(user, "is_verified", lambda: False)()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def sessions_end_for_user(*, user) -> int:
    """Delete every stored session of `user`, the cached copy included. Sessions are scanned (the database
    backend keeps no index by user); this runs only when an account is disabled or a device is reset."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None) -> int:
    """Disable the account and end its sessions at once; returns how many sessions were ended."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions_end_for_user(user=user)
    audit(Event.ADMIN_CHANGE, user=actor, obj=user, detail=f"停用账号，结束 {ended} 个会话")
    return ended


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose key the enrolment page shows (the same one until it is confirmed)."""
    if has_confirmed_device(user):
        raise SecondFactorRefused("该账号已绑定验证器。如需更换，请联系系统管理员重置。")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def second_factor_enrol(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the enrolment with a first code from the authenticator; returns the device and the
    recovery codes, which are shown once and never again."""
    device = totp_device_for_enrolment(user=user)
    # Verified outside the transaction below: a wrong code's throttling and audit entry must persist.
    if not device.verify_token(_digits(token)):
        audit(Event.OTP_ENROL, user=user, success=False, detail="绑定验证器：动态验证码错误")
        raise SecondFactorRefused("动态验证码不正确，请核对手机上的6位数字（注意不要过期）后重试。")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
        audit(Event.OTP_ENROL, user=user, obj=device, detail=f"绑定验证器，生成 {RECOVERY_CODE_COUNT} 个恢复码")
    return device, codes


def _device_accepting(user, token) -> tuple[bool, object]:
    """(throttled, the device that accepts the token or None): six digits go to the authenticator, else recovery."""
    kind = TOTPDevice if token.isdigit() else StaticDevice
    with transaction.atomic():  # devices locked: one code cannot be accepted twice concurrently
        devices = [d for d in devices_for_user(user, confirmed=True, for_verify=True) if isinstance(d, kind)]
        if any(not device.verify_is_allowed()[0] for device in devices):
            return True, None
        return False, next((d for d in devices if d.verify_token(token)), None)


def second_factor_verify(*, user: User, token: str):
    """The device that accepts `token`: six digits go to the authenticator, anything else is tried as a
    recovery code (each works once). Wrong codes slow further tries down (django-otp throttling)."""
    token = token.strip().replace(" ", "").lower()
    if not token:
        raise SecondFactorRefused("请输入动态验证码或恢复码。")
    throttled, accepted = _device_accepting(user, token)
    if throttled:
        audit(Event.LOGIN_FAILED, user=user, success=False, detail="第二因素：尝试过于频繁，暂不校验")
        raise SecondFactorRefused("验证码错误次数过多，请稍候片刻再试。")
    if accepted is None:
        audit(Event.LOGIN_FAILED, user=user, success=False, detail="第二因素：验证码错误")
        raise SecondFactorRefused("验证码不正确，请重新输入。")
    used_recovery = isinstance(accepted, StaticDevice)
    audit(
        Event.LOGIN,
        user=user,
        obj=accepted,
        detail="第二因素验证通过（使用恢复码）" if used_recovery else "第二因素验证通过",
    )
    return accepted


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _digits(token: str) -> str:
    return "".join(ch for ch in str(token) if ch.isdigit())
