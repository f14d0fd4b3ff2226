"""Which account last signed in from this browser, and with which session: a signed, HttpOnly cookie set at
login (and again when the session key changes, at a password change) and removed at logout.

It outlives the session on purpose: when a session expires (30 minutes idle, 12 hours absolute) the cookie
still proves that this browser signed in as that account with that session, so the page the user was typing
in may keep the text for them (applications/stash.py), in that one session only. The cookie holds a keyed
hash of the session key, never the key itself. It grants nothing: the user must log in again to see anything.
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from portal.accounts.models import User

COOKIE = "portal_previous_user"
SALT = "portal.accounts.previous_user"


def _max_age() -> int:
    return settings.SESSION_ABSOLUTE_LIMIT_SECONDS + settings.SESSION_COOKIE_AGE


def _session_digest(session_key: str) -> str:
    return salted_hmac(SALT, session_key, algorithm="sha256").hexdigest()


def remember_user(response, request) -> None:
    """Sign the account `request` is signed in as, and its session, into the marker (after login() or a new key)."""
    # Ends with the browser like the session cookie (SESSION_EXPIRE_AT_BROWSER_CLOSE); the signature's
    # timestamp bounds it to the session's absolute limit even in a browser that is never closed.
    response.set_signed_cookie(
        COOKIE, f"{request.user.pk}:{_session_digest(request.session.session_key)}", salt=SALT,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


def forget_user(response) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")


def previous_user(request) -> User | None:
    """The active account that last signed in from this browser (within the session's absolute limit), provided
    the request presents the session cookie that account signed in with, whether or not that session has ended."""
    try:
        pk, _, digest = request.get_signed_cookie(COOKIE, salt=SALT, max_age=_max_age()).partition(":")
    except (KeyError, signing.BadSignature):
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not pk.isdigit() or not session_key or not constant_time_compare(digest, _session_digest(session_key)):
        return None
    return User.objects.filter(pk=int(pk), is_active=True).first()
