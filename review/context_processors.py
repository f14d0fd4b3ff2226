from django.utils.functional import SimpleLazyObject

from portal.accounts.services import second_factor_pending
from review.notifications import unread_count


def unread_notifications(request):
    """The count on the navigation's 通知 link (review owns notifications, so it supplies the count): read from the
    cache (review/notifications.py), and only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or second_factor_pending(user):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
