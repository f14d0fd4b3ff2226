"""The one check every uploaded file passes before anything is stored (SECURITY.md, OWASP File Upload).

Only PDF, JPG and PNG are accepted, judged by the content (signature AND a real parse), never by the
name or the browser's Content-Type. PDFs that can run code (JavaScript, launch actions, automatic
actions, embedded files) are refused, not cleaned: the county must see exactly what was uploaded.
"""

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
TYPE_NAMES = {PDF: "PDF 文档", PNG: "PNG 图片", JPEG: "JPG 图片"}
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
# Markup a browser would render if it ever sniffed the file (it must not: nosniff + attachment).
MARKUP = (b"<html", b"<!doctype html", b"<script", b"<svg", b"<body", b"<iframe", b"<head")
SNIFF_BYTES = 1024
DISPLAY_NAME_MAX = 100
MAX_PIXELS = 100_000_000  # an A3 scan at 600 dpi is ~70 Mpx; beyond this is a decompression bomb
MAX_PDF_OBJECTS = 200_000
# PDF names that make a viewer run something: refused wherever they appear.
PDF_ACTIVE_KEYS = {
    "/JS": "JavaScript 脚本",
    "/JavaScript": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作",
    "/AA": "自动执行的动作（/AA）",
    "/EmbeddedFile": "嵌入的附件",
    "/EmbeddedFiles": "嵌入的附件",
    "/RichMedia": "多媒体脚本内容",
}
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/Rendition", "/RichMediaExecute"}
PDF_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
PDF_STREAM = re.compile(rb"\bstream(?:\r\n|\n|\r).*?\bendstream", re.S)


def megabytes(size: int) -> str:
    return f"{round(size / 1024 / 1024, 1):g} MB"


class UploadRefused(Exception):
    """A file that is not stored; the message (Chinese) says which file and why."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what the Material row records."""

    upload: object  # the UploadedFile, positioned at 0
    content_type: str
    size: int
    sha256: str
    display_name: str


def display_name(name: str, content_type: str | None = None) -> str:
    """The user's file name made safe to show: no path, no control characters, at most 100 characters.

    The extension is kept (or corrected to match the content) so the name still says what the file is.
    """
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # NUL, controls, bidi overrides
    name = name.strip().strip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    ext = "." + ext.lower() if ext else ""
    if content_type is not None and ext not in EXTENSIONS[content_type]:
        ext = EXTENSIONS[content_type][0]
    stem = stem.strip() or "文件"
    return stem[: DISPLAY_NAME_MAX - len(ext)] + ext


def detect_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _image_problem(data: bytes, content_type: str) -> str | None:
    from PIL import Image, UnidentifiedImageError

    expected = {PNG: "PNG", JPEG: "JPEG"}[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    return "图片格式与文件内容不符"
                if image.width * image.height > MAX_PIXELS:
                    return "图片像素过大"
                image.verify()
            # verify() checks the structure only; decoding proves the pixels are really there.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "图片像素过大"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "图片文件已损坏或不是真正的图片"
    return None


def _pdf_names_outside_streams(data: bytes) -> set[str]:
    """Every /Name in the file's object syntax, #xx escapes decoded (a second look besides the parser's)."""
    names = set()
    for match in PDF_NAME.finditer(PDF_STREAM.sub(b" ", data)):
        raw = match.group(1)
        try:
            decoded = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
            names.add("/" + decoded.decode("latin-1"))
        except ValueError:  # pragma: no cover - latin-1 decodes any byte
            continue
    return names


def _walk_pdf_object(obj, found: set[str], depth=0):
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if depth > 50 or isinstance(obj, IndirectObject):  # referenced objects are visited on their own
        return
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            found.update(_active_names(key, value, NameObject))
            _walk_pdf_object(value, found, depth + 1)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _walk_pdf_object(item, found, depth + 1)


def _active_names(key, value, name_type) -> set[str]:
    """What one dictionary entry makes active: a JavaScript or launch key, or an action of such a type."""
    names = {key} if key in PDF_ACTIVE_KEYS else set()
    if key == "/S" and isinstance(value, name_type) and value in PDF_ACTIVE_ACTIONS:
        names.add(str(value))
    return names


def _pdf_scan(data: bytes) -> tuple[str | None, set[str]]:
    """(a structural problem, or None; the active names found in every object)."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return "PDF 文件已加密，请上传未加密的文件", set()
    if len(reader.pages) == 0:
        return "PDF 文件没有页面", set()
    references = [IndirectObject(n, g, reader) for g, table in reader.xref.items() for n in table]
    references += [IndirectObject(n, 0, reader) for n in reader.xref_objStm]
    if len(references) > MAX_PDF_OBJECTS:
        return "PDF 文件结构过于复杂", set()
    found: set[str] = set()
    _walk_pdf_object(reader.trailer, found)
    for reference in references:
        _walk_pdf_object(reader.get_object(reference), found)
    return None, found


def _pdf_problem(data: bytes) -> str | None:
    import logging

    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        problem, found = _pdf_scan(data)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return "PDF 文件已损坏或不是真正的 PDF"
    if problem:
        return problem
    found |= {name for name in _pdf_names_outside_streams(data) if name in PDF_ACTIVE_KEYS}
    if found:
        what = "、".join(sorted({PDF_ACTIVE_KEYS.get(name, "可执行的动作") for name in found}))
        return f"PDF 文件含有{what}，出于安全原因不予接收；请用“打印为 PDF”或扫描件重新生成后上传"
    return None


def validate_upload(upload) -> CheckedFile:
    """Check one uploaded file completely, or raise UploadRefused. Nothing is stored here."""
    shown = display_name(upload.name)
    size = upload.size or 0
    if size == 0:
        raise UploadRefused(f"「{shown}」是空文件（0 字节），未上传。")
    if size > settings.MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"「{shown}」大小为 {megabytes(size)}，超过每个文件 {megabytes(settings.MAX_UPLOAD_BYTES)} 的上限，未上传。"
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    content_type = detect_type(data)
    if content_type is None:
        raise UploadRefused(
            f"「{shown}」不是 PDF、JPG 或 PNG 文件（系统按文件内容判断，改扩展名无效），未上传。"
        )
    if any(marker in data[:SNIFF_BYTES].lower() for marker in MARKUP):
        raise UploadRefused(f"「{shown}」内容中含有网页代码，不是真正的 {TYPE_NAMES[content_type]}，未上传。")
    problem = _pdf_problem(data) if content_type == PDF else _image_problem(data, content_type)
    if problem:
        raise UploadRefused(f"「{shown}」未上传：{problem}。")
    return CheckedFile(
        upload=upload,
        content_type=content_type,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        display_name=display_name(upload.name, content_type),
    )
