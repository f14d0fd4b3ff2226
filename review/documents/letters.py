"""The 公文 (GB/T 9704-2012): the city's 推荐文件 to the province (上行文, with 签发人), the province's 通报
of the awarded enterprises and its 撤销称号通报 (下行文). The 发文字号, 签发人 and 成文日期 are what the issuing official entered
(review.models.IssuedLetter); the lists are read with the same selectors as the 汇总表 and the public list.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.template.loader import render_to_string
from django.utils.html import format_html

from portal.dates import chinese_date
from portal.directory.offices import office_of, province_office
from review.models import IssuedLetter, LetterKind, RevocationNoticeEntry, validity_end
from review.selectors import published_applications

from .certificates import SEAL_ASSET, seal_asset
from .formatting import quoted
from .pdf import render_template_pdf
from .summary import recommended_queryset, summary_rows

CHINESE_ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (the 「（一）」 numbering of 公文 paragraphs)."""
    if n <= 10:
        return CHINESE_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CHINESE_ORDINALS[tens - 1]) + "十" + (CHINESE_ORDINALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Head:
    """版头, 署名 and 版记 of one issued letter."""

    issuer: str  # 发文机关 (全称)
    document_number: str
    signer: str  # only printed on 上行文
    dated: dt.date
    copy_to: str
    contact: str  # 附注: （联系人：…，电话：…）

    @property
    def mark(self) -> str:
        return f"{self.issuer}文件"

    @property
    def date(self) -> str:
        return chinese_date(self.dated)

    @property
    def printed_by(self) -> str:
        return f"{self.issuer}办公室"


def head_of(letter: IssuedLetter, issuer: str) -> Head:
    contact = ""
    if letter.contact_name or letter.contact_phone:
        parts = [f"联系人：{letter.contact_name}"] if letter.contact_name else []
        parts += [f"电话：{letter.contact_phone}"] if letter.contact_phone else []
        contact = "，".join(parts)
    return Head(issuer, letter.document_number, letter.signer, letter.dated, letter.copy_to, contact)


def issued_letter(kind: str, campaign, unit) -> IssuedLetter | None:
    return IssuedLetter.objects.filter(kind=kind, campaign=campaign, unit=unit).select_related("unit").first()


# 推荐文件 ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterEntry:
    order: int | None  # 推荐顺序: the city's stored rank (Application.city_rank), as the page and the 汇总表 show it
    enterprise: str
    credit_code: str
    county: str

    @property
    def shown_order(self) -> str:
        return "—" if self.order is None else str(self.order)


@dataclass
class LetterGroup:
    cluster: str
    entries: list[LetterEntry] = field(default_factory=list)

    @property
    def names(self) -> str:
        return "；".join(f"{e.shown_order}. {e.enterprise}" for e in self.entries)


@dataclass(frozen=True)
class Letter:
    head: Head
    recipient: str
    title: str
    notice: str
    city: str
    year: int
    groups: list[LetterGroup]

    @property
    def count(self) -> int:
        return sum(len(g.entries) for g in self.groups)

    @property
    def first_enterprise(self) -> str:
        return self.groups[0].entries[0].enterprise if self.groups else ""

    @property
    def attachment(self) -> str:
        return f"{self.year}年度河北省产业集群龙头企业推荐名单（{self.city}）"

    @property
    def summary_attachment(self) -> str:
        return f"河北省产业集群龙头企业汇总表（{self.city}）"


def letter_groups(rows) -> list[LetterGroup]:
    groups = []
    for cluster, members in groupby(rows, key=lambda row: row.cluster):
        group = LetterGroup(cluster)
        for row in members:
            # The stored rank, never a position in the list: the letter, the page and the 汇总表 print one number.
            group.entries.append(LetterEntry(row.recommendation_order, row.enterprise, row.credit_code, row.county))
        groups.append(group)
    return groups


def recommendation_letter(*, visible, campaign, city, issued: IssuedLetter) -> Letter:
    """The 推荐文件 of `city`: exactly the applications of the city's 汇总表 sheet, by cluster and 推荐顺序."""
    rows = summary_rows(recommended_queryset(visible=visible, campaign=campaign, city_code=city.code))
    return Letter(
        head=head_of(issued, office_of(city)),
        recipient=province_office(),
        title=f"关于推荐{campaign.year}年度河北省产业集群龙头企业的报告",
        notice=f"《关于推荐产业集群龙头企业的通知》（{campaign.document_number}）",
        city=city.name,
        year=campaign.year,
        groups=letter_groups(rows),
    )


def letter_text(letter: Letter) -> str:
    return render_to_string("documents/recommendation_letter.txt", {"letter": letter})


def letter_pdf(letter: Letter) -> bytes:
    context = {"letter": letter, "head": letter.head, "has_seal": False}  # a city's seal is stamped by hand
    return render_template_pdf("documents/pdf/recommendation_letter.html", context)


# 通报 ----------------------------------------------------------------------------------------------------


def announcement_context(campaign, issued: IssuedLetter) -> dict:
    """The 通报: the published list by city, certificate numbers in order within each city."""
    groups = []
    applications = sorted(
        published_applications(campaign),
        key=lambda a: ((a.reviewing_city or a.enterprise.county).code, a.certificate.serial),
    )
    for application in applications:
        county = application.enterprise.county
        city = (application.reviewing_city or county).name
        if not groups or groups[-1]["city"] != city:
            groups.append({"city": city, "rows": []})
        groups[-1]["rows"].append(
            {
                "number": application.certificate.number,
                "enterprise": application.enterprise.name,
                "cluster": application.cluster.name,
                "county": county.name,
            }
        )
    count = sum(len(g["rows"]) for g in groups)
    issued_on = min((a.certificate.issued_on for a in applications), default=issued.dated)
    return {
        "head": head_of(issued, province_office()),
        "campaign": campaign,
        "title": f"关于认定{campaign.year}年度河北省产业集群龙头企业的通报",
        "title_quoted": quoted("河北省产业集群龙头企业"),
        "groups": groups,
        "count": count,
        "first_enterprise": groups[0]["rows"][0]["enterprise"] if groups else "",
        "validity": f"{chinese_date(issued_on)}至{chinese_date(validity_end(issued_on, campaign.title_validity_years))}",
        "attachment": f"{campaign.year}年度河北省产业集群龙头企业名单",
    }


def render_announcement(campaign, context: dict) -> bytes:
    assets = seal_asset(campaign)
    return render_template_pdf("documents/pdf/announcement.html", {**context, "has_seal": SEAL_ASSET in assets}, assets=assets)


def announcement_pdf(campaign, issued: IssuedLetter) -> bytes:
    return render_announcement(campaign, announcement_context(campaign, issued))


# 撤销称号通报 -----------------------------------------------------------------------------------------------

PROVINCE_RECIPIENTS = "各设区市工业和信息化局，定州、辛集市工业和信息化局，雄安新区改革发展局"


def revocation_title(entries) -> str:
    """关于撤销甲有限公司“河北省产业集群龙头企业”称号的通报; with several, 甲有限公司等3家企业."""
    if not entries:
        return "关于撤销河北省产业集群龙头企业称号的通报"
    names = entries[0].enterprise_name + (f"等{len(entries)}家企业" if len(entries) > 1 else "")
    return f"关于撤销{names}{quoted('河北省产业集群龙头企业')}称号的通报"


def revocation_title_html(entries):
    """The title as printed: broken only where the sense allows, before “河北省产业集群龙头企业”称号的通报."""
    if not entries:
        return revocation_title(entries)
    name = entries[0].enterprise_name
    head, tail = name[:-3], name[-3:] + (f"等{len(entries)}家企业" if len(entries) > 1 else "")
    return format_html(
        '关于撤销{}<span class="nowrap">{}</span>\u200b<span class="nowrap">{}称号的通报</span>',  # a break between
        head, tail, quoted("河北省产业集群龙头企业"),
    )


def revocation_context(issued: IssuedLetter) -> dict:
    """The 撤销称号通报 as issued: only what was copied into its entries (RevocationNoticeEntry) and its head."""
    entries = list(RevocationNoticeEntry.objects.filter(letter=issued).order_by("position"))
    return {
        "head": head_of(issued, province_office()),
        "title": revocation_title(entries),
        "title_html": revocation_title_html(entries),
        "title_quoted": quoted("河北省产业集群龙头企业"),
        "recipient": PROVINCE_RECIPIENTS,
        "entries": entries,
        "count": len(entries),
        "first_enterprise": entries[0].enterprise_name if entries else "",
        "years": "、".join(f"{y}年度" for y in sorted({e.campaign_year for e in entries})),
        "attachment": "被撤销称号的河北省产业集群龙头企业名单",
    }


def revocation_pdf(issued: IssuedLetter) -> bytes:
    """The PDF of an issued 撤销称号通报, with the seal of the campaign it was issued under (if uploaded)."""
    assets = seal_asset(issued.campaign)
    context = {**revocation_context(issued), "has_seal": SEAL_ASSET in assets}
    return render_template_pdf("documents/pdf/revocation_notice.html", context, assets=assets)


RECOMMENDATION = LetterKind.RECOMMENDATION
ANNOUNCEMENT = LetterKind.ANNOUNCEMENT
REVOCATION = LetterKind.REVOCATION
