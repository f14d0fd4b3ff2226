"""The city's 推荐文件: its letter to the province listing the forwarded enterprises per cluster in rank order."""

from dataclasses import dataclass, field

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from .pdf import render_pdf
from .selectors import chinese_date
from .summary import FORWARDED_STATES

RECIPIENT = "河北省中小企业局"


@dataclass(frozen=True)
class LetterEntry:
    rank: int
    enterprise: str
    credit_code: str
    county: str


@dataclass
class LetterGroup:
    cluster: str
    entries: list[LetterEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Letter:
    sender: str
    recipient: str
    title: str
    notice: str
    city: str
    groups: list[LetterGroup]
    date: str

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)


def recommendation_letter(*, visible, campaign, city, sender: str) -> Letter:
    applications = (
        visible.filter(campaign=campaign, state__in=FORWARDED_STATES, enterprise__county__reviewing_city=city)
        .select_related("enterprise__county", "cluster")
        .order_by("cluster__name", F("city_rank").asc(nulls_last=True), F("cluster_rank").asc(nulls_last=True), "enterprise__name")
    )
    groups: list[LetterGroup] = []
    for application in applications:
        if not groups or groups[-1].cluster != application.cluster.name:
            groups.append(LetterGroup(application.cluster.name))
        group = groups[-1]
        enterprise = application.enterprise
        group.entries.append(LetterEntry(len(group.entries) + 1, enterprise.name, enterprise.credit_code, enterprise.county.name))
    return Letter(
        sender=sender,
        recipient=RECIPIENT,
        title=f"关于推荐{campaign.year}年度河北省产业集群龙头企业的报告",
        notice=f"《关于推荐产业集群龙头企业的通知》（{campaign.document_number}）",
        city=city.name,
        groups=groups,
        date=chinese_date(timezone.localdate()),
    )


def letter_text(letter: Letter) -> str:
    return render_to_string("documents/recommendation_letter.txt", {"letter": letter})


def letter_pdf(letter: Letter) -> bytes:
    return render_pdf(render_to_string("documents/pdf/recommendation_letter.html", {"letter": letter}))
