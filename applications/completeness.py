"""What still stands between an application and 提交申报: missing fields, materials and failing conditions."""

from dataclasses import dataclass

from applications import eligibility
from applications.fields import FIELDS
from applications.models import REQUIRED_MATERIALS, Application, MaterialKind


@dataclass(frozen=True)
class Missing:
    message: str
    anchor: str  # id of the place in the form where it is fixed


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(application) -> list[Missing]:
    items = []
    for spec in FIELDS:
        if not spec.required or not _blank(getattr(application, spec.name)):
            continue
        if spec.on_form:
            items.append(Missing(f"推荐审核表「{spec.label}」未填写", f"field-{spec.name}"))
        else:
            items.append(Missing(f"申请报告「{spec.label}」未填写", f"report-{spec.name}"))
    return items


def missing_items(application: Application, verdicts=None) -> list[Missing]:
    items = _missing_fields(application)
    if not application.declares_truthful:
        items.append(Missing("尚未勾选材料真实性承诺", "field-declares_truthful"))
    present = {m.kind for m in application.materials.all()}
    for kind in REQUIRED_MATERIALS:
        if kind not in present:
            items.append(Missing(f"尚未上传{MaterialKind(kind).label}", f"material-{kind}"))
    if verdicts is None:
        verdicts = eligibility.evaluate(eligibility.rule_facts(application))
    for verdict in eligibility.failing_hard(verdicts):
        items.append(Missing(f"申报条件 {verdict.code}「{verdict.title}」不满足：{verdict.reason}", f"condition-{verdict.code}"))
    return items
