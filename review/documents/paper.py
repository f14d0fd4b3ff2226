"""The paper copy (一式两份): one bookmarked PDF per application — cover, contents, every generated form and
every uploaded material (images placed on A4 pages) — with running page numbers; and the city's bundle of
its recommended applications in one file.
"""

import io
from dataclasses import dataclass

import pikepdf
from django.utils import timezone

from portal.dates import chinese_date

from .dossier import MATERIAL_NAMES
from .pdf import render_template_pdf
from .rendering import application_documents

IMAGE_TYPES = {"image/jpeg", "image/png"}


@dataclass
class Part:
    title: str
    pdf: pikepdf.Pdf
    first_page: int = 0  # 1-based, in the merged document

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def _material_part(material, title: str) -> Part:
    """An uploaded PDF as it is, an image on an A4 page; a file that cannot be read gets a page saying so."""
    with material.file.open("rb") as handle:
        data = handle.read()
    if material.content_type in IMAGE_TYPES:
        context = {"title": title, "original_name": material.original_name}
        pdf = render_template_pdf("documents/pdf/paper_image.html", context, assets={"material": (data, material.content_type)})
        return Part(title, _open(pdf))
    try:
        return Part(title, _open(data))
    except pikepdf.PdfError:
        context = {"title": title, "original_name": material.original_name, "unreadable": True}
        return Part(title, _open(render_template_pdf("documents/pdf/paper_image.html", context)))


def application_parts(application) -> list[Part]:
    parts = [Part(description, _open(data)) for _, description, data in application_documents(application)]
    for kind_count, material in _numbered(application.materials.all()):
        parts.append(_material_part(material, kind_count))
    return parts


def _numbered(materials):
    seen = {}
    for material in materials:
        seen[material.kind] = seen.get(material.kind, 0) + 1
        name = MATERIAL_NAMES.get(material.kind, material.kind).replace("-", "、", 1)
        yield f"{name}（{seen[material.kind]}）", material


def _front_matter(application, parts: list[Part], *, front_pages: int) -> bytes:
    page = front_pages + 1
    for part in parts:
        part.first_page = page
        page += part.pages
    context = {
        "application": application, "enterprise": application.enterprise, "parts": parts, "total": page - 1,
        "printed_on": chinese_date(timezone.localdate()),
    }
    return render_template_pdf("documents/pdf/paper_front.html", context)


def _stamp_numbers(pdf: pikepdf.Pdf) -> None:
    """「第 n 页 / 共 N 页」 at the top right of every page but the cover (the forms keep their own footers)."""
    total = len(pdf.pages)
    numbers = _open(render_template_pdf("documents/pdf/paper_numbers.html", {"numbers": range(2, total + 1), "total": total}))
    for index in range(1, total):
        page = pdf.pages[index]
        box = page.mediabox
        x1, y1 = float(box[2]), float(box[3])
        rect = pikepdf.Rectangle(x1 - 170, y1 - 34, x1 - 14, y1 - 8)
        page.add_overlay(numbers.pages[index - 1], rect)


def merged_application_pdf(application) -> tuple[pikepdf.Pdf, list[tuple[str, int]]]:
    """The paper copy as an open pikepdf document with its outline; returns (pdf, [(title, first page)])."""
    parts = application_parts(application)
    front = _open(_front_matter(application, parts, front_pages=2))
    if len(front.pages) != 2:  # a long contents list: lay it out again with the right page numbers
        front = _open(_front_matter(application, parts, front_pages=len(front.pages)))
    merged = pikepdf.new()
    merged.pages.extend(front.pages)
    for part in parts:
        merged.pages.extend(part.pdf.pages)
    _stamp_numbers(merged)
    outline = [("封面", 1), ("目录", 2)] + [(part.title, part.first_page) for part in parts]
    with merged.open_outline() as tree:
        for title, page in outline:
            tree.root.append(pikepdf.OutlineItem(title, page - 1))
    return merged, outline


def paper_copy_pdf(application) -> bytes:
    pdf, _ = merged_application_pdf(application)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def write_bundle(applications, target) -> int:
    """Each application's paper copy one after the other in `target`, one bookmark (with children) each."""
    bundle = pikepdf.new()
    entries = []
    for application in applications:
        pdf, outline = merged_application_pdf(application)
        offset = len(bundle.pages)
        bundle.pages.extend(pdf.pages)
        entries.append((application.enterprise.name, offset, outline))
    with bundle.open_outline() as tree:
        for name, offset, outline in entries:
            item = pikepdf.OutlineItem(name, offset)
            item.children.extend(pikepdf.OutlineItem(title, offset + page - 1) for title, page in outline)
            tree.root.append(item)
    bundle.save(target)
    return len(entries)
