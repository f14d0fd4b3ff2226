"""Every view declares its permission: a name answered by permissions/rules.py, or the explicit PUBLIC marker.

`permission_required` keeps what users have always seen: anonymous → the login page, a role without the
permission → 403 with a Chinese message. Objects outside the user's jurisdiction are never found by the
view's scoping selector (404). The declared name stays on the view (`view.permission_required`), so a test can
walk the URL resolver and find any page that forgot to say who may open it.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC = "public"  # open to everyone, signed in or not
REFUSED = "您的角色无权访问此页面。"


def permission_required(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied(REFUSED)
            return view(request, *args, **kwargs)

        wrapper.permission_required = perm
        return wrapper

    return decorator


def public(view):
    """Marks a page anyone may open (the public list, certificate checks, login, registration)."""
    view.permission_required = PUBLIC
    return view
