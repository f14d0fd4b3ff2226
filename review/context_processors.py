from portal.accounts.services import second_factor_pending


def unread_notifications(request):
    """The count on the navigation's 通知 link (review owns notifications, so it supplies the count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or second_factor_pending(user):
        return {}
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count()}
