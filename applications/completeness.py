"""What still stands between an application and 提交申报: missing fields, materials and failing conditions."""

from dataclasses import dataclass

from applications import eligibility
from applications.models import REPORT_SECTIONS, REQUIRED_MATERIALS, Application, MaterialKind

REQUIRED_FIELDS = [
    "established_on",
    "independent_legal_person",
    "revenue",
    "tax_total",
    "total_assets",
    "owners_equity",
    "rd_spend",
    "cluster_rank",
    "iso9000_number",
    "iso9000_issuer",
    "iso9000_valid_until",
    "rd_institution_name",
]


@dataclass(frozen=True)
class Missing:
    message: str
    anchor: str  # id of the place in the form where it is fixed


def missing_items(application: Application, verdicts=None) -> list[Missing]:
    items = []
    for name in REPORT_SECTIONS:
        if not getattr(application, name).strip():
            label = Application._meta.get_field(name).verbose_name
            items.append(Missing(f"申请报告「{label}」未填写", f"report-{name}"))
    for name in REQUIRED_FIELDS:
        if getattr(application, name) in (None, ""):
            label = Application._meta.get_field(name).verbose_name
            items.append(Missing(f"推荐审核表「{label}」未填写", f"field-{name}"))
    if not application.declares_truthful:
        items.append(Missing("尚未勾选材料真实性承诺", "field-declares_truthful"))
    present = {m.kind for m in application.materials.all()}
    for kind in REQUIRED_MATERIALS:
        if kind not in present:
            items.append(Missing(f"尚未上传{MaterialKind(kind).label}", f"material-{kind}"))
    if verdicts is None:
        verdicts = eligibility.evaluate(eligibility.facts_for(application))
    for verdict in eligibility.failing_hard(verdicts):
        items.append(Missing(f"申报条件 {verdict.code}「{verdict.title}」不满足：{verdict.reason}", f"condition-{verdict.code}"))
    return items
