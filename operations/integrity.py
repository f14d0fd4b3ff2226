"""Integrity check (等保 8.1.4.7): a locked application must still hash to what its last sign-off recorded."""

from dataclasses import dataclass

from django.db.models import Prefetch

from applications.fingerprint import fingerprint
from applications.models import EDITABLE_STATES, Application
from portal.dates import chinese_datetime
from review.models import ReviewRecord


@dataclass(frozen=True)
class IntegrityProblem:
    application_id: int
    application: str
    state: str
    message: str


def integrity_problems(*, chunk_size: int = 500) -> list[IntegrityProblem]:
    """Every application in a non-editable state whose current data no longer matches its latest review record."""
    applications = (
        Application.objects.exclude(state__in=EDITABLE_STATES)
        .select_related("enterprise")
        .prefetch_related(
            "honours",
            "partners",
            "materials",
            Prefetch("review_records", queryset=ReviewRecord.objects.order_by("-at", "-id"), to_attr="records"),
        )
        .order_by("pk")
    )
    problems = []
    for application in applications.iterator(chunk_size=chunk_size):
        label = f"{application.enterprise.name}（申报 {application.pk}）"
        if not application.records:
            problems.append(
                IntegrityProblem(application.pk, label, application.get_state_display(), "处于锁定状态但没有任何审核记录")
            )
            continue
        latest = application.records[0]
        current = fingerprint(application)
        if current != latest.data_sha256:
            problems.append(
                IntegrityProblem(
                    application.pk,
                    label,
                    application.get_state_display(),
                    f"当前数据摘要 {current[:16]}… 与「{latest.action_label}」（{chinese_datetime(latest.at)}）"
                    f"签署时的摘要 {latest.data_sha256[:16]}… 不一致",
                )
            )
    return problems
