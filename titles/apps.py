from django.apps import AppConfig


class TitlesConfig(AppConfig):
    """The title's life after the meeting: 公示 and objections, validity, revocation, re-issue, monitoring, 复核."""

    name = "titles"
    verbose_name = "称号管理"
