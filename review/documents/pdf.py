"""HTML → PDF with WeasyPrint: one font configuration per process, Chinese fonts required, local assets only."""

import functools
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# Importing WeasyPrint loads Pango; only the processes that render pay for it.
PRINT_CSS = "css/documents-print.css"
ASSET_SCHEME = "portal-asset"


class CJKFontMissing(RuntimeError):
    """No Chinese font: WeasyPrint would print empty boxes, so we refuse to render at all."""


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """The Noto CJK families fontconfig knows; raises CJKFontMissing when there are none."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise CJKFontMissing("未找到 fontconfig（fc-list），无法确认中文字体，请安装 fontconfig 与 fonts-noto-cjk。")
    output = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    families = sorted({name.strip() for line in output.splitlines() for name in line.split(",") if "CJK" in name})
    if not families:
        raise CJKFontMissing(
            "未找到中文字体 Noto Sans/Serif CJK：生成的 PDF 会显示为空白方框。请安装 Debian 软件包 fonts-noto-cjk。"
        )
    return tuple(families)


@functools.cache
def installed_families() -> frozenset[str]:
    """Every family name fontconfig knows for Chinese (all the names a font gives, e.g. 楷体 and KaiTi)."""
    cjk_font_families()
    output = subprocess.run(
        [shutil.which("fc-list"), ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    return frozenset(name.strip() for line in output.splitlines() for name in line.split(","))


def font_stack(role: str) -> str:
    """The CSS font-family of one role ("title", "body", "heading", "kai") from settings.DOCUMENT_FONTS."""
    names = settings.DOCUMENT_FONTS[role]
    return ", ".join('"' + name.replace('"', "") + '"' for name in names) + ", serif"


def font_css() -> str:
    """Classes .f-title, .f-body, .f-heading, .f-kai for the templates. The free fallback for 方正小标宋 is
    Noto Serif CJK in bold; the real 小标宋 is already heavy and is never made bolder."""
    title_font_installed = any(name in installed_families() for name in settings.DOCUMENT_FONTS["title"][:-1])
    rules = [f".f-{role} {{ font-family: {font_stack(role)}; }}" for role in settings.DOCUMENT_FONTS]
    rules.append(f".f-title {{ font-weight: {'normal' if title_font_installed else 'bold'}; }}")
    return "\n".join(rules)


_font_config = None
# Pango and fontconfig are not safe to share between threads (runserver is threaded): one render at a time.
_render_lock = threading.Lock()


def font_config():
    """The process's one FontConfiguration: a new one per render reloads 25 MB of fonts each time."""
    global _font_config
    if _font_config is None:
        cjk_font_families()
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


@functools.cache
def static_root() -> Path:
    """The static directory holding the print stylesheet: the base URL of every document."""
    found = finders.find(PRINT_CSS)
    if not found:
        raise FileNotFoundError(f"找不到打印样式表 {PRINT_CSS}")
    return Path(found).resolve().parents[1]


def document_url_fetcher(assets: dict[str, tuple[bytes, str]]):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = static_root()

    class PortalURLFetcher(URLFetcher):
        """Only our static files, data: URIs and in-memory assets: no network, no other local file."""

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == ASSET_SCHEME:
                body, mime_type = assets[url.split(":", 1)[1]]
                return URLFetcherResponse(url, body, {"Content-Type": mime_type})
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"文档不能引用外部资源：{url[:80]}")

    return PortalURLFetcher()


def render_pdf(html: str, *, target=None, assets: dict[str, tuple[bytes, str]] | None = None):
    """Render an HTML string to PDF bytes, or into the file object `target` (returns None then).

    `assets` maps names to (bytes, mime type), referenced in the HTML as ``portal-asset:<name>``:
    an image used on every page of a long document is then loaded once.
    """
    from weasyprint import HTML

    config = font_config()
    document = HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=document_url_fetcher(assets or {}))
    with _render_lock:
        return document.write_pdf(target=target, font_config=config)


FONTS_ASSET = "fonts.css"


def with_fonts(assets: dict | None) -> dict:
    """The render assets plus the font classes, linked by templates as ``portal-asset:fonts.css``."""
    return {**(assets or {}), FONTS_ASSET: (font_css().encode(), "text/css")}


def render_template_pdf(template: str, context: dict, *, target=None, assets=None):
    return render_pdf(render_to_string(template, context), target=target, assets=with_fonts(assets))


def render_documents_pdf(parts: list[tuple[str, dict]], *, assets=None) -> bytes:
    """Several templates laid out separately (each with its own page numbers) and written as one PDF:
    e.g. a cover without a footer followed by text pages numbered from 1."""
    from weasyprint import HTML

    config = font_config()
    fetcher = document_url_fetcher(with_fonts(assets))
    base_url = static_root().as_uri() + "/"
    with _render_lock:
        documents = [
            HTML(string=render_to_string(template, context), base_url=base_url,
                 url_fetcher=fetcher).render(font_config=config)
            for template, context in parts
        ]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


def qr_data_uri(url: str, *, scale: int = 4) -> str:
    """A QR code as an SVG data URI (sharp at any print size). The URL must be ASCII."""
    url.encode("ascii")
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=scale, border=2)

