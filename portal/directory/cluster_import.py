"""Import of the province's official cluster list from CSV or XLSX: all rows or none, with a per-row report."""

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from openpyxl import load_workbook

from portal.audit.models import Event
from portal.audit.services import audit
from portal.directory.models import Cluster, Division

# Accepted headers, Chinese or English, for each field.
HEADERS = {
    "name": {"name", "集群名称", "产业集群", "产业集群名称"},
    "county_code": {"county_code", "县级区划代码", "区划代码", "所在县区划代码"},
    "industry": {"industry", "主导产业", "产业"},
    "confirmed_year": {"confirmed_year", "确认年度", "年度"},
}
REQUIRED = ["name", "county_code", "industry", "confirmed_year"]
LABELS = {"name": "集群名称", "county_code": "县级区划代码", "industry": "主导产业", "confirmed_year": "确认年度"}


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)  # "第3行：……"
    created: int = 0
    updated: int = 0
    rows: int = 0  # data rows read (the header not counted)
    sha256: str = ""  # of the file as uploaded: the audit entry names exactly which file was imported or refused

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        if self.ok:
            return f"导入成功：新增 {self.created} 个，更新 {self.updated} 个产业集群。"
        return f"导入失败，未导入任何数据。共 {len(self.errors)} 处问题：\n" + "\n".join(self.errors)


def _read_table(filename: str, content: bytes) -> list[list[str]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        return [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    if suffix == ".csv":
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
    raise ValueError("只支持 CSV 或 XLSX 文件。")


def _columns(header: list[str]) -> dict[str, int]:
    """Our field name → column index, for the headers we recognise."""
    return {
        name: index
        for index, title in enumerate(header)
        for name, accepted in HEADERS.items()
        if title.strip() in accepted
    }


def read_rows(filename: str, content: bytes) -> list[dict]:
    """Rows as dicts keyed by our field names; unknown columns are ignored."""
    table = _read_table(filename, content)
    if not table:
        return []
    columns = _columns(table[0])
    return [
        {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        for row in table[1:]
        if any(cell for cell in row)
    ]


def _row_problems(row: dict, *, divisions, seen: dict, number: int) -> list[str]:
    """What is wrong with one row (and remember its cluster name, to find duplicates further down)."""
    problems = [f"缺少{LABELS[name]}" for name in REQUIRED if not row.get(name, "").strip()]
    code = row.get("county_code", "").strip()
    if code and code not in divisions:
        problems.append(f"县级区划代码 {code} 不存在或不是县级单位")
    year = row.get("confirmed_year", "").strip()
    if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
        problems.append(f"确认年度 {year} 无效")
    cluster_name = row.get("name", "").strip()
    if cluster_name in seen:
        problems.append(f"集群名称与第{seen[cluster_name]}行重复")
    elif cluster_name:
        seen[cluster_name] = number
    return problems


def _clean_rows(rows: list[dict], report: ImportReport, *, default_year) -> list[tuple]:
    divisions = {d.code: d for d in Division.objects.county_level()}
    seen = {}
    cleaned = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if default_year and not row.get("confirmed_year"):
            row["confirmed_year"] = str(default_year)
        problems = _row_problems(row, divisions=divisions, seen=seen, number=number)
        if problems:
            report.errors.append(f"第{number}行：" + "；".join(problems))
        else:
            cleaned.append((
                row["name"].strip(), divisions[row["county_code"].strip()], row["industry"].strip(),
                int(row["confirmed_year"].strip()),
            ))
    return cleaned


def import_clusters(filename: str, content: bytes, *, default_year: int | None = None, actor=None) -> ImportReport:
    """Import the list (all rows or none) and record the attempt, refused or successful, in the audit log."""
    report = _import(filename, content, default_year=default_year)
    report.sha256 = hashlib.sha256(content).hexdigest()
    outcome = f"导入成功（新增 {report.created} 个，更新 {report.updated} 个）" if report.ok else (
        f"导入被拒绝，未导入任何数据（{len(report.errors)} 处问题：{'；'.join(report.errors[:3])}）"
    )
    audit(
        Event.ADMIN_CHANGE, user=actor, username="" if actor else "import_clusters", success=report.ok, object_type=Cluster._meta.label, object_repr=filename[:200],
        detail=f"导入产业集群名单「{filename}」，SHA-256 {report.sha256}，{report.rows} 行；{outcome}",
    )
    return report


def _import(filename: str, content: bytes, *, default_year: int | None) -> ImportReport:
    report = ImportReport()
    try:
        rows = read_rows(filename, content)
    except (ValueError, UnicodeDecodeError, OSError) as error:
        report.errors.append(f"文件无法读取：{error}")
        return report
    report.rows = len(rows)
    if not rows:
        report.errors.append("文件中没有数据行。")
        return report
    cleaned = _clean_rows(rows, report, default_year=default_year)
    if report.errors:
        return report
    with transaction.atomic():
        for cluster_name, county, industry, year in cleaned:
            _, created = Cluster.objects.update_or_create(
                name=cluster_name, defaults={"county": county, "industry": industry, "confirmed_year": year}
            )
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report
