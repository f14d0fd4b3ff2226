"""Login events reach the audit log (等保 8.1.4.3: login success and failure, logout, lockout).

Receivers only record, keep session bookkeeping and forget cached accounts; no business rule lives here. Credentials never
reach the log: only the username the visitor typed is kept.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.accounts.backends import forget_accounts
from portal.accounts.middleware import LOGIN_AT_SESSION_KEY
from portal.accounts.models import User
from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Division


@receiver(user_logged_in, dispatch_uid="accounts_login_audit")
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
    # Only this account's failures are forgiven; the source address keeps its count of failures (its
    # 图形验证码 threshold), so logging into one's own account cannot reset a guessing run against others.
    AxesProxyHandler.reset_attempts(username=user.get_username())
    audit(Event.LOGIN, user=user, request=request, detail="密码验证通过")


@receiver(user_logged_out, dispatch_uid="accounts_logout_audit")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    audit(Event.LOGOUT, user=user, request=request, detail=getattr(request, "audit_logout_reason", ""))


@receiver(user_login_failed, dispatch_uid="accounts_login_failed_audit")
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit(
        Event.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username") or "")[:150],
        success=False,
        detail="用户名或密码错误，或账号已锁定",
    )


@receiver(user_locked_out, dispatch_uid="accounts_lockout_audit")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit(
        Event.LOCKOUT,
        request=request,
        username=str(username or "")[:150],
        success=False,
        detail="连续登录失败达到上限，账号锁定15分钟",
    )


# The account cache (portal/accounts/backends.py): a saved or deleted account, or a saved unit, is read afresh.


@receiver([post_save, post_delete], sender=User, dispatch_uid="accounts_forget_cached_account")
def on_account_changed(sender, instance, **kwargs):
    forget_accounts([instance.pk])


@receiver(post_save, sender=Division, dispatch_uid="accounts_forget_cached_unit")
def on_unit_changed(sender, instance, **kwargs):
    forget_accounts(User.objects.filter(unit=instance).values_list("pk", flat=True))
