from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using="default", **kwargs):
    """A database cache (the production settings without Redis) needs its table: `migrate` makes it, so the
    deployment steps stay the same. Does nothing when the table exists or the cache is elsewhere."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from portal.accounts import checks, signals  # noqa: F401  (system checks; login events → audit log)

        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="accounts_cache_table")
