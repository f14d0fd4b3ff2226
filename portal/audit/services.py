"""One function writes the audit log; callers say what happened, never anything secret."""

from portal.audit.models import AuditEvent


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit(event, *, user=None, request=None, obj=None, success=True, detail="", username=""):
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        event=event,
        user=user,
        username=(user.get_username() if user else username)[:150],
        role=getattr(user, "role", "") if user else "",
        ip_address=client_address(request),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        success=success,
        detail=detail[:500],
    )
