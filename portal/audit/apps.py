from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self):
        from portal.audit import signals  # noqa: F401  (connects the admin-change receiver)
