from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "审核与认定"

    def ready(self):
        from portal.audit.labels import register_action_labels
        from review.documents import checks  # noqa: F401 - registers the deploy check of PUBLIC_BASE_URL
        from review.workflow import TRANSITIONS

        register_action_labels({action: transition.label for action, transition in TRANSITIONS.items()})
