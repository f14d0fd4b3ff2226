"""One function writes the audit log; callers say what happened, never anything secret.

Services do not receive the request, yet each entry needs the source address: `AuditContextMiddleware`
keeps the current request in a context variable, and `audit()` falls back to it.
"""

import datetime as dt
import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.audit.models import RETENTION_DAYS, AuditEvent, Event
from portal.dates import chinese_date

_current_request: ContextVar = ContextVar("audit_current_request", default=None)


def current_request():
    return _current_request.get()


def bind_request(request):
    """Make `request` the one audit() falls back to; returns the token for `release_request`."""
    return _current_request.set(request)


def release_request(token) -> None:
    _current_request.reset(token)


def _address(value):
    try:
        return ipaddress.ip_address(value.strip()) if value else None
    except ValueError:
        return None


UNIX_SOCKET = "unix"  # in TRUSTED_PROXIES: the proxy connects through gunicorn's unix socket (no address)


def trusted_proxies() -> list:
    """settings.TRUSTED_PROXIES (addresses or networks, or "unix") parsed; bad entries are left out here and
    reported by `manage.py check` (portal/accounts/checks.py)."""
    networks = []
    for entry in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            networks.append(UNIX_SOCKET if entry.strip() == UNIX_SOCKET else ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _trusted(address, proxies) -> bool:
    if address is None:  # a unix socket: only local processes can connect
        return UNIX_SOCKET in proxies
    return any(address in network for network in proxies if network != UNIX_SOCKET)


def client_address(request) -> str | None:
    """The client's address: the connecting address, unless that is one of TRUSTED_PROXIES; then
    X-Forwarded-For is read from the right (the entry our own proxy appended) past every trusted proxy to
    the first address that is not one. Entries further left are whatever the client chose to send and are
    never used, and no count of proxies is assumed. django-axes and the rate limits use this function too,
    so lockouts, rate limits and the audit log agree on the address."""
    if request is None:
        return None
    address = _address(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxies()
    if proxies and _trusted(address, proxies):
        for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = _address(entry)
            if hop is None:
                break  # malformed: keep the last address a trusted proxy vouched for
            address = hop
            if not _trusted(hop, proxies):
                break
    return str(address) if address is not None else None


def _signed_in_user(request):
    candidate = getattr(request, "user", None) if request is not None else None
    return candidate if candidate is not None and candidate.is_authenticated else None


def audit(
    event,
    *,
    user=None,
    request=None,
    obj=None,
    success=True,
    detail="",
    username="",
    object_type="",
    object_id="",
    object_repr="",
    changes=None,
):
    """Append one entry. `obj` (a model instance) or the object_* fields name what it was about; `changes`
    holds old → new values ({field: [old, new]}) of an admin change."""
    if request is None:
        request = current_request()
    if user is None:
        user = _signed_in_user(request)
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        event=event,
        user=user,
        username=(user.get_username() if user else username or "")[:150],
        role=getattr(user, "role", "") if user else "",
        ip_address=client_address(request),
        object_type=str(object_type)[:50],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200],
        success=success,
        detail=str(detail)[:500],
        changes=changes or {},
    )


class PurgeRefused(Exception):
    """The requested purge would delete entries younger than the retention period."""


def audit_log_purge(*, before: dt.date) -> int:
    """Delete entries older than the start of `before` (local time); refuses dates inside the retention period.

    This is the one deliberate path around the append-only rule: a raw DELETE, which the PostgreSQL
    trigger allows only for rows older than RETENTION_DAYS. The purge itself is recorded.
    """
    latest_allowed = timezone.localdate() - dt.timedelta(days=RETENTION_DAYS)
    if before > latest_allowed:
        raise PurgeRefused(
            f"审计日志至少保留{RETENTION_DAYS}天：只能清理 {chinese_date(latest_allowed)}（含）之前的日期，"
            f"不能清理到 {chinese_date(before)}。"
        )
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s", [connection.ops.adapt_datetimefield_value(cutoff)])  # noqa: S608
        deleted = cursor.rowcount
        audit(
            Event.ADMIN_CHANGE,
            username="purge_audit_log",
            object_type=AuditEvent._meta.label,
            detail=f"清理审计日志：删除 {deleted} 条 {chinese_date(before)}之前的记录",
        )
    return deleted
