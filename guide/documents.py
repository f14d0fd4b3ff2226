"""The templates an enterprise downloads before it registers: 申请报告提纲 and 真实性承诺书, as .docx and PDF.

The .docx is written with python-docx (editable in Word and WPS); the PDF goes through the portal's one PDF
renderer (review.documents.pdf). Both are built once per process: their content does not change.
"""

import functools
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from guide.content import REPORT_OUTLINE, TRUTHFULNESS_PLEDGE

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# name → (title shown and used as file name, builder of the paragraphs)
TEMPLATES = {
    "report-outline": "河北省产业集群龙头企业申请报告（提纲）",
    "truthfulness-pledge": "申报材料真实性承诺书",
}


def _paragraphs(name: str) -> list[tuple[str, str]]:
    """(style, text) of a template: 'title', 'heading', 'text', 'sign'."""
    if name == "report-outline":
        rows = [("title", TEMPLATES[name]), ("text", "企业名称（盖章）：                    申报日期：    年  月  日")]
        for number, (heading, guidance) in zip("一二三四五六七八", REPORT_OUTLINE, strict=True):
            rows += [("heading", f"{number}、{heading}"), ("text", f"（请写明：{guidance}）")]
        rows.append(("text", "说明：金额单位为万元；每部分不超过 5,000 字。在线申报时按以上八部分分别填写，系统据此生成申请报告 PDF。"))
        return rows
    rows = [("title", TEMPLATES[name]), ("text", "河北省中小企业局：")]
    rows += [("text", line) for line in TRUTHFULNESS_PLEDGE]
    rows += [
        ("sign", "企业名称（盖章）："),
        ("sign", "统一社会信用代码："),
        ("sign", "法定代表人（签字）："),
        ("sign", "年    月    日"),
        ("text", "签字盖章后扫描为 PDF，在申报系统「上传材料」页作为（八）其他能够证明符合申报条件的材料上传。"),
    ]
    return rows


@functools.cache
def template_docx(name: str) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.font.name = "宋体"
    normal.element.rPr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # Chinese text in a Chinese font in Word and WPS
    for style, text in _paragraphs(name):
        if style == "title":
            paragraph = document.add_heading(text, level=1)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif style == "heading":
            document.add_heading(text, level=2)
        else:
            paragraph = document.add_paragraph(text)
            if style == "sign":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def template_pdf(name: str) -> bytes:
    from review.documents.pdf import render_template_pdf

    return render_template_pdf("guide/pdf/template.html", {"title": TEMPLATES[name], "rows": _paragraphs(name)})
