from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DirectoryConfig(AppConfig):
    name = "portal.directory"
    label = "directory"
    verbose_name = "区划、产业集群与申报批次"

    def ready(self):
        from portal.directory.choices import forget_choices
        from portal.directory.models import Cluster, Division

        # The filter forms' cached choices follow every change of a cluster or a division.
        for model in (Cluster, Division):
            post_save.connect(forget_choices, sender=model, dispatch_uid=f"forget-choices-{model.__name__}")
            post_delete.connect(forget_choices, sender=model, dispatch_uid=f"forget-choices-delete-{model.__name__}")
