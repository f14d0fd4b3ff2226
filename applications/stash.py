"""Keeps what an enterprise typed when its session expired before it pressed 保存草稿.

Only for the application's owner, and only in the session it signed in with: an anonymous POST is kept only
when this browser's last signed-in account (portal/accounts/previous_user.py, a signed cookie set at login)
owns the application and the POST presents the session cookie that account signed in with, that session
having ended (or holding only an earlier stash). An ended session is made again under its own key, so one
ended session holds at most one row, however often its cookies are replayed. Anyone else's POST writes
nothing and creates no session. The stash has one slot and a size cap; past the cap the typed text is
shown back on a page to copy. Django keeps session data through login's cycle_key(), so after logging in as
that same account the page shows the text again (for any other account it is dropped).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import CreateError
from django.core.exceptions import FieldDoesNotExist
from django.http import QueryDict
from django.shortcuts import render

from applications.models import Application
from applications.selectors import applications_visible_to
from portal.accounts.decorators import permission_required
from portal.accounts.previous_user import previous_user

SESSION_KEY = "unsaved_form_data"
# Field names and values together. The largest form we render (推荐审核表 with 50 honours and 300 partner
# SMEs, every field full) is about 110,000; the 申请报告 at most 40,000.
MAX_STASHED_CHARACTERS = 150_000
RESTORED_MESSAGE = "登录已过期，已为您保留刚才填写的内容，请检查后点击保存草稿"
NOT_KEPT_MESSAGE = "登录已过期。本次填写的内容超过可临时保留的上限（{limit}字），系统未能保留；请先复制下面的内容，重新登录后再粘贴到原页面。"


def _posted_text(request) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}


def _size(data: dict[str, list[str]]) -> int:
    return sum(len(key) + sum(len(v) for v in values) for key, values in data.items())


def _owner_of(request, application_id) -> object | None:
    """The account that signed in with the session this request presents, if it is the enterprise that owns
    the application."""
    user = previous_user(request)
    if user is None or not user.has_perm("applications.use_enterprise_pages"):
        return None
    return user if applications_visible_to(user).filter(pk=application_id).exists() else None


def _label(name: str) -> str:
    try:
        return str(Application._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def stash_post(request, *, owner, data) -> None:
    """Put the posted text in the one slot of the session `owner` signed in with, for `owner` and this page only.

    The request presents that session's cookie (previous_user). If the session has ended (expired, or flushed
    at the absolute limit) it is made again under the same key, never under a new one: replaying the request,
    from one client or many, rewrites that one row."""
    stash = {"owner": owner.pk, "path": request.path, "data": data}
    request.session.get(SESSION_KEY)  # loads it: a session that has ended has no key any more
    if request.session.session_key is None:
        session = type(request.session)(session_key=request.COOKIES[settings.SESSION_COOKIE_NAME])
        session.delete()  # an expired row clearsessions has not removed yet
        try:
            session.save(must_create=True)
        except CreateError:
            return  # a concurrent request made it again first: its stash stands
        request.session = session
    request.session[SESSION_KEY] = stash


def pop_stash(request) -> QueryDict | None:
    """The data stashed for this page by this user, once; a message tells the user it was restored."""
    stash = request.session.get(SESSION_KEY)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    if stash.get("owner") != request.user.pk:
        return None
    restored = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        restored.setlist(key, values)
    messages.warning(request, RESTORED_MESSAGE)
    return restored


def _expired_session_post(request, application_id):
    login = redirect_to_login(request.get_full_path())
    owner = _owner_of(request, application_id)
    if owner is None:
        return login  # nothing is written and no session is created for anyone but the owner
    data = _posted_text(request)
    if _size(data) > MAX_STASHED_CHARACTERS:
        fields = [(_label(key), value) for key, values in data.items() if key != "version" for value in values if value]
        return render(
            request,
            "applications/stash_refused.html",
            {"message": NOT_KEPT_MESSAGE.format(limit=f"{MAX_STASHED_CHARACTERS // 10_000}万"), "fields": fields,
             "login_url": login.url},
        )
    stash_post(request, owner=owner, data=data)
    return login


def enterprise_edit_page(view):
    """Enterprise-only page whose POST survives an expired session (anything else: permission_required)."""
    permission = "applications.use_enterprise_pages"
    checked = permission_required(permission)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            return _expired_session_post(request, kwargs["pk"])
        return checked(request, *args, **kwargs)

    wrapper.permission_required = permission
    return wrapper
