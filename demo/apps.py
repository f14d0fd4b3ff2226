from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and bulk seeding (`seed_demo`): reads and writes every app, nothing in them imports it."""

    name = "demo"
    verbose_name = "演示数据"

    def ready(self):
        from demo import production  # noqa: F401  (check --deploy: no demo account in production)
