from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from portal.accounts import checks, signals  # noqa: F401  (system checks; login events → audit log)
