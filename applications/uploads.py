"""The one check every uploaded file passes before anything is stored (SECURITY.md, OWASP File Upload).

Only PDF, JPG and PNG are accepted, judged by the content (signature AND a real parse), never by the
name or the browser's Content-Type. PDFs that can run code (JavaScript, launch actions, automatic
actions, embedded files) are refused, not cleaned: the county must see exactly what was uploaded.
The content check itself (applications/content_check.py) runs in a child process with CPU, memory and
wall-clock limits (settings.UPLOAD_CHECK_LIMITS).
"""

import hashlib
import json
import logging
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from applications.content_check import JPEG, PDF, PNG

TYPE_NAMES = {PDF: "PDF 文档", PNG: "PNG 图片", JPEG: "JPG 图片"}
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
# Markup a browser would render if it ever sniffed the file (it must not: nosniff + attachment).
MARKUP = (b"<html", b"<!doctype html", b"<script", b"<svg", b"<body", b"<iframe", b"<head")
SNIFF_BYTES = 1024
DISPLAY_NAME_MAX = 100
CHECKER = Path(__file__).with_name("content_check.py")
UNCHECKABLE = "系统未能在限定的时间和内存内完成对该文件的安全检查（文件结构过于复杂或已损坏），请重新生成后上传"

logger = logging.getLogger(__name__)


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


def content_problem_in_child(data: bytes, content_type: str) -> str | None:
    """The content check (applications/content_check.py: content_problem) run in a child process with CPU,
    memory and wall-clock limits: a file built to stall or exhaust a parser costs the child, never this worker,
    and a file whose check cannot finish within the limits is refused."""
    limits = settings.UPLOAD_CHECK_LIMITS
    command = [
        sys.executable, "-I", str(CHECKER), content_type,
        str(limits["memory_bytes"]), str(limits["cpu_seconds"]),
    ]
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell
            command, input=data, capture_output=True, timeout=limits["wall_seconds"], check=False
        )
    except subprocess.TimeoutExpired:
        logger.warning("upload check timed out after %s s", limits["wall_seconds"])
        return UNCHECKABLE
    try:
        return json.loads(result.stdout)["problem"] if result.returncode == 0 else _failed(result)
    except (ValueError, KeyError, TypeError):
        return _failed(result)


def _failed(result) -> str:
    logger.warning("upload check ended with code %s: %s", result.returncode, result.stderr[-2000:])
    return UNCHECKABLE


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
    problem = content_problem_in_child(data, content_type)
    if problem:
        raise UploadRefused(f"「{shown}」未上传：{problem}。")
    return CheckedFile(
        upload=upload,
        content_type=content_type,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
        display_name=display_name(upload.name, content_type),
    )
