"""Reads of the audit log for the 审计管理员."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from portal.audit.models import AuditEvent


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(*, username="", event="", success="", date_from=None, date_to=None, q=""):
    """Entries matching every given filter, newest first. Dates are whole local days, both inclusive."""
    events = AuditEvent.objects.all()
    if username:
        events = events.filter(username__icontains=username)
    if event:
        events = events.filter(event=event)
    if success in ("0", "1"):
        events = events.filter(success=success == "1")
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if q:
        text = Q(object_repr__icontains=q) | Q(detail__icontains=q) | Q(object_type__icontains=q) | Q(object_id=q)
        if _looks_like_address(q):
            text |= Q(ip_address__startswith=q)
        events = events.filter(text)
    return events.order_by("-at", "-id")


def _looks_like_address(text: str) -> bool:
    return all(ch in "0123456789abcdefABCDEF.:" for ch in text)
