from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Backup, restore and the integrity check: they read every app, so they sit above them all."""

    name = "operations"
    verbose_name = "运维"
