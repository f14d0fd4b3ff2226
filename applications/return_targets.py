"""What a 退回修改 can point at: 申请报告 sections, 推荐审核表 parts and fields, materials.

One catalogue serves the officials' return form (the choices), the review record (the stored keys) and the
enterprise's pages (a label and a link to the place where the fix is made). A key is also the id of that place
on the enterprise's page, so the link lands on it.
"""

from dataclasses import dataclass

from django.urls import reverse

from applications.models import REPORT_SECTIONS, Application, MaterialKind

# The parts of the 推荐审核表 page (their ids are the sections' ids in templates/applications/form.html).
FORM_SECTIONS = [
    ("form-basic", "法人资格与成立日期"),
    ("form-contact", "联系方式与主导产品"),
    ("form-finance", "经营与财务"),
    ("form-history", "近三年经营情况"),
    ("form-iso", "ISO9000质量体系认证"),
    ("form-rd", "研发机构与国家专利"),
    ("form-honours", "荣誉"),
    ("form-partners", "带动中小企业"),
    ("form-declarations", "声明与承诺"),
]
# Single fields an official most often questions (the whole form is applications.fields.FORM_FIELDS).
QUESTIONED_FIELDS = [
    "established_on",
    "revenue",
    "tax_total",
    "total_assets",
    "owners_equity",
    "rd_spend",
    "net_profit",
    "cluster_rank",
    "iso9000_valid_until",
]
# Where each kind of key is fixed: its prefix names the page.
PAGES = {
    "report": "applications:report",
    "form": "applications:form",
    "field": "applications:form",
    "condition": "applications:form",
    "material": "applications:materials",
}


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    group: str


def _catalogue() -> list[Target]:
    targets = [
        Target(f"report-{name}", f"申请报告「{Application._meta.get_field(name).verbose_name}」", "一、申请报告")
        for name in REPORT_SECTIONS
    ]
    targets += [Target(key, f"推荐审核表「{label}」", "二、推荐审核表") for key, label in FORM_SECTIONS]
    targets += [
        Target(f"field-{name}", f"推荐审核表「{Application._meta.get_field(name).verbose_name}」", "二、推荐审核表")
        for name in QUESTIONED_FIELDS
    ]
    targets += [Target(f"material-{kind.value}", f"材料{kind.label}", "申报材料") for kind in MaterialKind]
    return targets


TARGETS = {target.key: target for target in _catalogue()}


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a multiple select, grouped by page (optgroups)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for target in TARGETS.values():
        groups.setdefault(target.group, []).append((target.key, target.label))
    return list(groups.items())


def fix_url(application_id: int, key: str) -> str:
    """The enterprise's page where `key` is fixed, with the key as the anchor."""
    page = PAGES.get(key.split("-", 1)[0], "applications:form")
    return f"{reverse(page, args=[application_id])}#{key}"


def page_of(key: str) -> str:
    """'report', 'form' or 'materials': the enterprise tab a key belongs to."""
    return {"report": "report", "material": "materials"}.get(key.split("-", 1)[0], "form")


def links(application_id: int, keys) -> list[tuple[str, str, str]]:
    """(label, url, tab) of each known key, in the catalogue's order."""
    wanted = set(keys or ())
    return [
        (target.label, fix_url(application_id, target.key), page_of(target.key))
        for target in TARGETS.values()
        if target.key in wanted
    ]
