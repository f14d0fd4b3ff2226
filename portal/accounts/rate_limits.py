"""Anti-automation per source address, without locking an office out (the account lock stays django-axes').

Behind one county office's NAT every official shares an address, so the address is never locked: after a few
failed logins it must solve a 图形验证码, and past a hard limit of attempts it is answered 429 until its window
ends. Registration and password reset are limited the same way (user names and credit codes cannot be
enumerated at speed). The address is portal.audit.services.client_address: X-Forwarded-For only from
TRUSTED_PROXIES, so a client cannot rotate it.
"""

from dataclasses import dataclass
from functools import wraps

from django.shortcuts import render

from portal.accounts.throttle import throttle_count, throttle_hit
from portal.audit.models import Event
from portal.audit.services import audit, client_address


@dataclass(frozen=True)
class RateLimit:
    scope: str
    limit: int
    window_seconds: int
    what: str  # shown in the 429 page: "登录" …

    @property
    def minutes(self) -> int:
        return self.window_seconds // 60


LOGIN = RateLimit("login", 30, 15 * 60, "登录")
LOGIN_FAILURES = RateLimit("login-failed", 3, 15 * 60, "登录")  # then the login form asks for a 图形验证码
REGISTRATION = RateLimit("register", 20, 60 * 60, "注册")
PASSWORD_RESET = RateLimit("password-reset", 10, 60 * 60, "找回密码")
# Reset mails to one e-mail address (its owner's mailbox is not flooded). Counted per address, not per source,
# and never answered 429: over it, the answer is the same page and no mail (whether the address is known is
# never revealed).
PASSWORD_RESET_MAILS = RateLimit("password-reset-mail", 3, 60 * 60, "找回密码")


def _key(request) -> str:
    return client_address(request) or "unknown"


def allow(request, rate: RateLimit, *, key: str | None = None) -> bool:
    """Count one attempt from this request's address (or of `key`); False once it is over the limit."""
    return throttle_hit(scope=rate.scope, key=key or _key(request), limit=rate.limit, window_seconds=rate.window_seconds)


def count_login_failure(request) -> None:
    throttle_hit(scope=LOGIN_FAILURES.scope, key=_key(request), limit=LOGIN_FAILURES.limit,
                 window_seconds=LOGIN_FAILURES.window_seconds)


def login_needs_captcha(request) -> bool:
    return throttle_count(scope=LOGIN_FAILURES.scope, key=_key(request)) >= LOGIN_FAILURES.limit


def too_many_requests(request, rate: RateLimit, *, username: str = ""):
    """The Chinese 429 page; the refusal is recorded like any failed attempt."""
    audit(Event.LOGIN_FAILED if rate is LOGIN else Event.ACCESS_DENIED, request=request, username=username[:150],
          success=False, detail=f"来源地址{rate.what}尝试过于频繁（{rate.minutes}分钟内超过{rate.limit}次），已拒绝")
    return render(request, "429.html", {"rate": rate}, status=429)


def rate_limited(rate: RateLimit, methods=("POST",)):
    """View decorator: each request of `methods` counts against `rate` for its address; past it, 429.

    Used on the registration and password-reset views; the login view calls allow() and too_many_requests()
    itself, as it also needs the user name for the audit."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and not allow(request, rate):
                return too_many_requests(request, rate)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
