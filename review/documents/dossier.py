"""材料包: one ZIP per application with its PDFs, every uploaded material under a readable Chinese name,
and 清单.csv listing each file with its SHA-256, so the paper and electronic copies can be checked."""

import csv
import hashlib
import io
import zipfile
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from applications.models import MaterialKind
from applications.uploads import EXTENSIONS

MATERIAL_NAMES = {
    MaterialKind.LICENCE: "四-营业执照",
    MaterialKind.TAX: "五-纳税证明",
    MaterialKind.CREDIT: "六-资信证明",
    MaterialKind.HONOURS: "七-荣誉及认证证书",
    MaterialKind.OTHER: "八-其他证明材料",
}
# The ZIP's entries sort in the notice's order in any file manager: 01_一-申请报告 … 08_八-其他证明材料.
SORT_PREFIX = {"一": "01", "二": "02", "三": "03", "四": "04", "五": "05", "六": "06", "七": "07", "八": "08", "证": "09"}
# An entry's extension: the first one the upload check accepts for the file's type (pdf, png, jpg).
ENTRY_EXTENSIONS = {content_type: names[0].lstrip(".") for content_type, names in EXTENSIONS.items()}
MANIFEST_NAME = "清单.csv"
COPY_CHUNK = 1024 * 1024  # a stored file goes into the ZIP this many bytes at a time
BATCH_LIMIT = 20  # applications one batch download or print may name: each 材料包 renders its PDFs


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    description: str
    size: int
    sha256: str
    note: str = ""


def material_filenames(materials) -> list[tuple[str, object]]:
    """(name in the ZIP, material): 四-营业执照-1.pdf, 七-荣誉及认证证书-2.jpg …, in the materials' order."""
    seen = Counter()
    named = []
    for material in materials:
        seen[material.kind] += 1
        extension = ENTRY_EXTENSIONS.get(material.content_type, "bin")
        named.append((sortable(f"{MATERIAL_NAMES.get(material.kind, material.kind)}-{seen[material.kind]}.{extension}"), material))
    return named


def sortable(name: str) -> str:
    """一-申请报告.pdf → 01_一-申请报告.pdf."""
    prefix = SORT_PREFIX.get(name[:1])
    return f"{prefix}_{name}" if prefix else name


def zip_entry(name: str, moment) -> zipfile.ZipInfo:
    """A ZIP entry dated `moment` (local time) instead of 1980-01-01."""
    local = timezone.localtime(moment)
    info = zipfile.ZipInfo(name, date_time=(local.year, local.month, local.day, local.hour, local.minute, local.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _copy_material(archive, name, material) -> tuple[int, str]:
    """Stream the stored file into the ZIP, hashing what was actually stored."""
    digest, size = hashlib.sha256(), 0
    with material.file.open("rb") as source, archive.open(zip_entry(name, material.uploaded_at), "w", force_zip64=True) as sink:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            sink.write(chunk)
    return size, digest.hexdigest()


def write_dossier(*, documents: list[tuple[str, str, bytes]], materials, target) -> list[ManifestEntry]:
    """Write the ZIP into `target`; returns the manifest it contains."""
    manifest = []
    now = timezone.now()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, description, data in documents:
            name = sortable(name)
            archive.writestr(zip_entry(name, now), data)
            manifest.append(ManifestEntry(name, description, len(data), hashlib.sha256(data).hexdigest()))
        for name, material in material_filenames(materials):
            size, sha256 = _copy_material(archive, name, material)
            note = "" if sha256 == material.sha256 else "与上传时记录的 SHA-256 不一致"
            description = f"{MaterialKind(material.kind).label}（原文件名：{material.original_name}）"
            manifest.append(ManifestEntry(name, description, size, sha256, note))
        archive.writestr(zip_entry(MANIFEST_NAME, now), manifest_csv(manifest))
    return manifest


def manifest_csv(entries: list[ManifestEntry]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["序号", "文件名", "说明", "大小（字节）", "SHA-256", "备注"])
    for number, entry in enumerate(entries, start=1):
        writer.writerow([number, entry.name, entry.description, entry.size, entry.sha256, entry.note])
    # With a BOM so that Excel and WPS open the Chinese text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_dossiers(dossiers, *, target) -> int:
    """Several applications' 材料包 in one ZIP: each exactly as its own download (with its 清单.csv), as
    `<name>.zip`. `dossiers` yields (name, documents, materials); returns how many went in."""
    now = timezone.now()
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:  # the inner ZIPs are compressed
        for name, documents, materials in dossiers:
            with archive.open(zip_entry(f"{name}.zip", now), "w", force_zip64=True) as sink:
                write_dossier(documents=documents, materials=materials, target=sink)
            count += 1
    return count
