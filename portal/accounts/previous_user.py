"""Which account last signed in from this browser: a signed, HttpOnly cookie set at login and removed at logout.

It outlives the session on purpose: when a session expires (30 minutes idle, 12 hours absolute) the cookie
still proves that this browser belonged to that account, so the page the user was typing in may keep the
text for them (applications/stash.py). It grants nothing: the user must log in again to see anything.
"""

from django.conf import settings
from django.core import signing

from portal.accounts.models import User

COOKIE = "portal_previous_user"
SALT = "portal.accounts.previous_user"


def _max_age() -> int:
    return settings.SESSION_ABSOLUTE_LIMIT_SECONDS + settings.SESSION_COOKIE_AGE


def remember_user(response, user) -> None:
    # Ends with the browser like the session cookie (SESSION_EXPIRE_AT_BROWSER_CLOSE); the signature's
    # timestamp bounds it to the session's absolute limit even in a browser that is never closed.
    response.set_signed_cookie(
        COOKIE, str(user.pk), salt=SALT, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


def forget_user(response) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")


def previous_user(request) -> User | None:
    """The active account that last signed in from this browser (within the session's absolute limit)."""
    try:
        pk = int(request.get_signed_cookie(COOKIE, salt=SALT, max_age=_max_age()))
    except (KeyError, signing.BadSignature, ValueError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
