"""Session and login rules that apply to every request (等保 8.1.4.1).

Order in MIDDLEWARE: after authentication, OTP and messages. Each rule lets its own pages through.
"""

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from portal.accounts.services import (
    has_confirmed_device,
    must_change_password,
    password_is_due,
    second_factor_pending,
)
from portal.urls_reversed import reversed_url

LOGIN_AT_SESSION_KEY = "portal_login_at"
SEEN_AT_SESSION_KEY = "portal_seen_at"


def _path_allowed(request, url_names) -> bool:
    path = request.path_info
    if path.startswith(settings.STATIC_URL):
        return True
    return any(path == reversed_url(name) for name in url_names)


class SessionLimitMiddleware:
    """Absolute session lifetime: SESSION_ABSOLUTE_LIMIT_SECONDS after login the user must log in again,
    however active. The 30-minute idle limit is the session's own expiry (SESSION_COOKIE_AGE), renewed by
    saving the session at most once every SESSION_RENEW_SECONDS: saving it on every request would cost a
    database write per page view for a deadline that only needs minute precision.

    The request then continues as anonymous, so the view answers as it would to anyone logged out
    (login redirect, with whatever the view keeps of a POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT_SESSION_KEY)
            if login_at is None:
                request.session[LOGIN_AT_SESSION_KEY] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_LIMIT_SECONDS:
                hours = settings.SESSION_ABSOLUTE_LIMIT_SECONDS // 3600
                request.audit_logout_reason = f"会话超过{hours}小时上限，自动退出"
                logout(request)
                messages.warning(request, f"您已连续登录超过{hours}小时，为保障账号安全已自动退出，请重新登录。")
                return self.get_response(request)
            if now - request.session.get(SEEN_AT_SESSION_KEY, 0) >= settings.SESSION_RENEW_SECONDS:
                request.session[SEEN_AT_SESSION_KEY] = now  # modifies the session: saved with a new expiry
        return self.get_response(request)


class SecondFactorStateMiddleware(OTPMiddleware):
    """django-otp's middleware, without its query per request: `user.is_verified()` is answered from the session.

    django_otp.login() writes the verifying device's id into the session after a valid code, and only then; a new
    login starts from a flushed or renewed session, logout flushes it. So the id's presence is the verified state.
    The device itself is read only if something asks for `user.otp_device` (nothing on an ordinary page). A device
    reset in the admin ends its owner's sessions (portal/accounts/admin.py), so no session outlives its device."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated and request.session.get(DEVICE_ID_SESSION_KEY):
            user.otp_device = SimpleLazyObject(functools.partial(self._session_device, request, user))
        return user

    async def _verify_user_async_via_auser(self, request, auser):
        return self._verify_user_sync(request, await auser())

    def _session_device(self, request, user):
        device = self._device_from_persistent_id(request.session[DEVICE_ID_SESSION_KEY])
        return self._finalize_device(request, user, device)


class SecondFactorMiddleware:
    """Officials and administrators prove a second factor (TOTP or a recovery code) before anything else."""

    ALLOWED = ("accounts:otp_verify", "accounts:otp_enrol", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and second_factor_pending(user)
            and not _path_allowed(request, self.ALLOWED)
        ):
            target = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_enrol"
            return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """A password the 系统管理员 set (first login, or after a reset) and officials' and administrators' passwords
    older than OFFICIAL_PASSWORD_MAX_AGE_DAYS: until the user changes it, every page leads to the password-change
    page. It runs after SecondFactorMiddleware, so the second factor is proved first."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "accounts:otp_verify", "accounts:otp_enrol")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or _path_allowed(request, self.ALLOWED):
            return self.get_response(request)
        if must_change_password(user):
            messages.warning(request, "您的密码由系统管理员设置，首次登录须先修改为只有您自己知道的密码，才能继续使用系统。")
            return redirect_to_login(request.get_full_path(), reverse("accounts:password_change"))
        if password_is_due(user):
            messages.warning(
                request,
                f"您的密码已使用超过{settings.OFFICIAL_PASSWORD_MAX_AGE_DAYS}天，按规定须修改密码后才能继续使用系统。",
            )
            return redirect_to_login(request.get_full_path(), reverse("accounts:password_change"))
        return self.get_response(request)



class NoStoreForSignedInMiddleware:
    """Nothing a signed-in user sees is kept by the browser (a shared computer in an office): every response
    to a signed-in request says `Cache-Control: no-store`. Static files are answered before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
