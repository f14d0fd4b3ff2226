"""Admin changes reach the audit log with their old → new values.

The admin writes one LogEntry per add, change or delete (bulk deletion is disabled site-wide in
portal/accounts/admin.py because Django writes its entries with bulk_create, which sends no signal); each
becomes an audit entry. The values come from the database: before an object changed in an admin request is
saved, its stored row is remembered on the request; when the LogEntry is written (after the save, or before a
deletion) the row is read again and the two are compared. This covers every model the admin registers, ours
and the libraries' alike. Passwords, hashes, keys and tokens are recorded only as "changed", never as values.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from portal.audit.models import Event
from portal.audit.services import audit, current_request

ACTIONS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}
SECRET_PARTS = ("password", "secret", "token", "key", "hash", "sha256")
HIDDEN = "（已修改，内容不记录）"


def _admin_request():
    request = current_request()
    match = getattr(request, "resolver_match", None)
    return request if match is not None and match.app_name == "admin" else None


def _is_secret(name: str) -> bool:
    return any(part in name.lower() for part in SECRET_PARTS)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_values(obj) -> dict[str, str]:
    """Every stored field of `obj` as text (many-to-many: the sorted related objects); {} for no object."""
    if obj is None:
        return {}
    opts = obj._meta
    values = {field.name: _text(field.value_from_object(obj)) for field in opts.concrete_fields}
    for field in opts.many_to_many:
        values[field.name] = "、".join(sorted(str(related) for related in field.value_from_object(obj)))
    return values


def _stored(model, pk):
    return model._base_manager.filter(pk=pk).first() if model is not None else None


def value_changes(before: dict, after: dict) -> dict[str, list[str]]:
    """{field: [old, new]} for the fields whose value differs; secrets only as changed."""
    changes = {}
    for name in [*before, *(n for n in after if n not in before)]:
        old, new = before.get(name, ""), after.get(name, "")
        if old != new:
            changes[name] = [HIDDEN, HIDDEN] if _is_secret(name) else [old, new]
    return changes


def _described(model, changes: dict) -> str:
    labels = {}
    if model is not None:
        labels = {f.name: str(f.verbose_name) for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
    return "；".join(f"{labels.get(name, name)}：{old or '（空）'} → {new or '（空）'}" for name, (old, new) in changes.items())


@receiver(pre_save, dispatch_uid="audit_admin_remember_stored_row")
def remember_stored_row(sender, instance, raw=False, **kwargs):
    """Before the admin saves an existing object, keep its stored values (the first save in the request wins)."""
    request = _admin_request()
    if raw or request is None or instance._state.adding or instance.pk is None:
        return
    stored = request.__dict__.setdefault("_audit_stored_rows", {})
    key = (instance._meta.label_lower, str(instance.pk))
    if key not in stored:
        stored[key] = field_values(_stored(type(instance), instance.pk))


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def record_admin_change(sender, instance, created, raw=False, **kwargs):
    if raw or not created:  # loaddata (restore) replays old entries: they are history, not new changes
        return
    content_type = instance.content_type
    model = content_type.model_class() if content_type else None
    label = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    current = field_values(_stored(model, instance.object_id)) if instance.object_id else {}
    if instance.action_flag == DELETION:  # logged before the row goes
        before, after = current, {}
    elif instance.action_flag == ADDITION:
        before, after = {}, current
    else:
        request = _admin_request()
        remembered = getattr(request, "_audit_stored_rows", {}) if request is not None else {}
        before, after = remembered.get((label, str(instance.object_id)), current), current
    changes = value_changes(before, after)
    detail = f"{ACTIONS.get(instance.action_flag, '操作')}：{instance.get_change_message()}"
    if changes:
        detail += "。" + _described(model, changes)
    audit(
        Event.ADMIN_CHANGE,
        user=instance.user,
        object_type=label,
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        detail=detail,
        changes=changes,
    )
