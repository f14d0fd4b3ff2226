from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "portal.directory"
    label = "directory"
    verbose_name = "区划、产业集群与申报批次"
