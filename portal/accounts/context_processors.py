from portal.accounts.navigation import GUEST_MENU, ROLE_MENU
from portal.accounts.services import second_factor_pending
from portal.urls_reversed import reversed_url


def _links(menu):
    return [(label, reversed_url(name)) for label, name in menu]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "guest_items": _links(GUEST_MENU)}
    if second_factor_pending(user):
        return {"nav_items": [], "second_factor_pending": True}  # every link would lead back to the 2FA page
    return {"nav_items": _links(ROLE_MENU.get(user.role, []))}
