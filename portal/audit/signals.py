"""Admin changes reach the audit log: every LogEntry the Django admin writes becomes an audit entry.

The admin writes one LogEntry per add, change or delete (bulk deletion is disabled site-wide in
portal/accounts/admin.py because Django writes its entries with bulk_create, which sends no signal).
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.audit.models import Event
from portal.audit.services import audit

ACTIONS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def record_admin_change(sender, instance, created, raw=False, **kwargs):
    if raw or not created:  # loaddata (restore) replays old entries: they are history, not new changes
        return
    content_type = instance.content_type
    audit(
        Event.ADMIN_CHANGE,
        user=instance.user,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        detail=f"{ACTIONS.get(instance.action_flag, '操作')}：{instance.get_change_message()}",
    )
