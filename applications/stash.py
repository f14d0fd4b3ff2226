"""Keeps what an enterprise typed when its session expired before it pressed 保存草稿.

The anonymous POST's text fields are put in the (new, anonymous) session under the page's path; Django
keeps session data through login's cycle_key(), so after logging in the same page shows them again.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict

from portal.accounts.decorators import permission_required

SESSION_KEY = "unsaved_form_data"
MAX_STASHED_CHARACTERS = 500_000  # a full application is ~60,000; more is not a form we rendered
RESTORED_MESSAGE = "登录已过期，已为您保留刚才填写的内容，请检查后点击保存草稿"


def stash_post(request) -> None:
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    if sum(len(v) for values in data.values() for v in values) > MAX_STASHED_CHARACTERS:
        return
    stashes = request.session.get(SESSION_KEY, {})
    stashes[request.path] = data
    request.session[SESSION_KEY] = stashes


def pop_stash(request) -> QueryDict | None:
    """The data stashed for this page, once; a message tells the user it was restored."""
    stashes = request.session.get(SESSION_KEY)
    if not stashes or request.path not in stashes:
        return None
    data = stashes.pop(request.path)
    request.session[SESSION_KEY] = stashes
    restored = QueryDict(mutable=True)
    for key, values in data.items():
        restored.setlist(key, values)
    messages.warning(request, RESTORED_MESSAGE)
    return restored


def enterprise_edit_page(view):
    """Enterprise-only page whose POST survives an expired session (anything else: permission_required)."""
    permission = "applications.use_enterprise_pages"
    checked = permission_required(permission)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            stash_post(request)
            return redirect_to_login(request.get_full_path())
        return checked(request, *args, **kwargs)

    wrapper.permission_required = permission
    return wrapper
