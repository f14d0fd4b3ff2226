from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from portal.accounts import rate_limits
from portal.accounts.decorators import PUBLIC, permission_required
from portal.accounts.forms import (
    LoginForm,
    OTPTokenForm,
    OTPVerifyForm,
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
)
from portal.accounts.previous_user import forget_user, remember_user
from portal.accounts.services import (
    SecondFactorRefused,
    has_confirmed_device,
    recovery_codes_left,
    second_factor_enrol,
    second_factor_required,
    second_factor_verify,
    totp_device_for_enrolment,
)
from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Campaign, Cluster, Division


class LoginView(auth_views.LoginView):
    permission_required = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not rate_limits.allow(request, rate_limits.LOGIN):
            return rate_limits.too_many_requests(request, rate_limits.LOGIN, username=request.POST.get("username", ""))
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "captcha": rate_limits.login_needs_captcha(self.request)}

    def form_valid(self, form):
        response = super().form_valid(form)
        remember_user(response, self.request)
        return response

    def form_invalid(self, form):
        if "captcha" not in form.errors:  # a password was tried (or nothing typed): one more failure
            rate_limits.count_login_failure(self.request)
            if rate_limits.login_needs_captcha(self.request) and "captcha" not in form.fields:
                form.ask_captcha()
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    permission_required = PUBLIC

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        forget_user(response)  # a deliberate logout leaves nothing for the next person at this browser
        return response


def masked_email(email: str) -> str:
    """z***@example.cn: enough for the audit log to connect requests, not a list of addresses."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


@method_decorator(rate_limits.rate_limited(rate_limits.PASSWORD_RESET), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """找回密码 for enterprise users. Every request gets the same answer (no user enumeration); the mail is sent
    only while that e-mail address is within rate_limits.PASSWORD_RESET_MAILS; each request is audited.
    Requests from one network address are limited by rate_limits.PASSWORD_RESET (the 429 page): counted
    whatever e-mail address was asked for, that limit reveals nothing about accounts."""

    permission_required = PUBLIC

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = PortalPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": "河北省产业集群龙头企业认定系统"}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        within_limit = rate_limits.allow(self.request, rate_limits.PASSWORD_RESET_MAILS, key=email)
        accounts = len(list(form.get_users(email)))
        if within_limit:
            form.save(
                domain_override=None, use_https=self.request.is_secure(), request=self.request,
                subject_template_name=self.subject_template_name, email_template_name=self.email_template_name,
                from_email=None, extra_email_context=self.extra_email_context,
            )
        outcome = "超过频率限制，未发送" if not within_limit else f"已发送 {accounts} 封" if accounts else "无对应企业账号，未发送"
        audit(Event.PASSWORD_RESET, request=self.request, success=within_limit,
              detail=f"找回密码申请：{masked_email(email)}（{outcome}）")
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    permission_required = PUBLIC
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    permission_required = PUBLIC
    template_name = "accounts/password_reset_confirm.html"
    form_class = PortalSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit(Event.PASSWORD_RESET, user=form.user, request=self.request, detail="通过邮件链接重设密码")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    permission_required = PUBLIC
    template_name = "accounts/password_reset_complete.html"


def _next_url(request, default="home") -> str:
    """The `next` parameter when it points into this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(default)


def _with_next(url_name: str, target: str) -> str:
    return f"{resolve_url(url_name)}?{urlencode({'next': target})}"


def lockout_ends_at(request, credentials=None):
    """When the lock on this request's account or address lifts, from axes' own records.

    A lock holds while the failures recorded within the cool-off period reach the limit; for each
    locked parameter (username, address) that is until the newest attempts that still make up the
    limit grow older than the cool-off."""
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    ends = None
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request, credentials):
        total = 0
        for attempt in attempts.order_by("-attempt_time"):
            total += attempt.failures_since_start
            if total >= limit:
                candidate = attempt.attempt_time + cool_off
                ends = candidate if ends is None or candidate > ends else ends
                break
    return timezone.localtime(ends or timezone.now() + cool_off)


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """django-axes calls this once an account or address is locked."""
    retry_at = lockout_ends_at(request, credentials)
    minutes = int(get_cool_off(request).total_seconds() // 60)
    return render(
        request,
        "accounts/locked.html",
        {"retry_at": retry_at, "minutes": minutes, "limit": get_failure_limit(request, credentials)},
        status=429,
    )


def csrf_failure(request, reason=""):
    """Shown instead of Django's English page when a form's CSRF token is missing or stale."""
    return render(request, "403_csrf.html", status=403)


def admin_login(request, extra_context=None):
    """The admin has no login page of its own: everyone logs in (with lockout and second factor) through
    the portal's page, and a logged-in user who is not the 系统管理员 is refused outright."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):  # the 系统管理员, already signed in
            return redirect(_next_url(request, "admin:index"))
        raise PermissionDenied("后台管理仅限系统管理员使用。")
    return redirect(_with_next("accounts:login", _next_url(request, "admin:index")))


@sensitive_post_parameters()
@never_cache
@permission_required("accounts.use_portal")
def password_change(request):
    form = PortalPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this session stays (under a new key); the user's other sessions end
        audit(Event.PASSWORD_CHANGE, user=user, request=request, detail="用户自行修改密码")
        messages.success(request, "密码已修改。其他设备上的登录已失效。")
        response = redirect(_next_url(request))
        remember_user(response, request)  # the marker follows the session's new key
        return response
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "next": request.GET.get("next", ""), "max_age_days": settings.OFFICIAL_PASSWORD_MAX_AGE_DAYS},
    )


def _qr_data_uri(device) -> str:
    # The otpauth:// URI holds the secret: it is drawn here and never leaves this response.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@sensitive_post_parameters()
@never_cache
@permission_required("accounts.use_portal")
def otp_enrol(request):
    user = request.user
    if not second_factor_required(user):
        return redirect(_next_url(request))
    if has_confirmed_device(user):
        if user.is_verified():
            messages.info(request, "您已绑定验证器。如需更换手机，请联系系统管理员重置。")
            return redirect(_next_url(request))
        return redirect(_with_next("accounts:otp_verify", _next_url(request)))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = second_factor_enrol(user=user, token=form.cleaned_data["token"])
        except SecondFactorRefused as error:
            form.add_error("token", str(error))
        else:
            otp_login(request, device)
            # Shown once, in this response only; afterwards only their count is visible.
            return render(
                request,
                "accounts/otp_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    device = totp_device_for_enrolment(user=user)
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": _qr_data_uri(device),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "next": _next_url(request),
        },
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters()
@never_cache
@permission_required("accounts.use_portal")
def otp_verify(request):
    user = request.user
    if not second_factor_required(user):
        return redirect(_next_url(request))
    if user.is_verified():
        return redirect(_next_url(request))
    if not has_confirmed_device(user):
        return redirect(_with_next("accounts:otp_enrol", _next_url(request)))
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=user, token=form.cleaned_data["token"])
        except SecondFactorRefused as error:
            form.add_error("token", str(error))
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(request, f"您使用了一个恢复码，还剩 {left} 个。手机找回后请继续使用验证器。")
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@permission_required("accounts.use_workbench")
def sysadmin_home(request):
    campaign = Campaign.current()
    return render(
        request,
        "accounts/sysadmin_home.html",
        {
            "campaign": campaign,
            "campaigns": Campaign.objects.all(),
            "division_count": Division.objects.count(),
            "cluster_count": Cluster.objects.filter(active=True).count(),
        },
    )
