"""The content check of one uploaded file, run in a child process with CPU, memory and file-size limits.

Usage (applications/uploads.py runs it): ``python -I content_check.py TYPE MEMORY_BYTES CPU_SECONDS < file``;
it prints ``{"problem": null}`` or ``{"problem": "<Chinese reason>"}``. Anything else (killed by the CPU or
memory limit, the parent's wall-clock timeout, a crash) means the file could not be checked and is refused.

Standalone on purpose (standard library, pikepdf and Pillow only, no Django): the child starts in
milliseconds and a parser bug or a decompression bomb costs the child, never the worker.

PDFs are read by qpdf (pikepdf), which decodes cross-reference and object streams; every object is visited
exactly once (a visited set keyed by object number, an explicit stack, so no depth limit). Refused wherever
they appear: scripts, launch/remote/submit/import actions, embedded files, XFA forms, multimedia, any /AA,
and an /OpenAction that is not a plain in-document destination. A /URI action is accepted only as the
action of a link annotation: it runs only when the reader clicks the link (and viewers ask first), and
reports exported from Word with the company's web address are common; a /URI anywhere else is refused.
"""

import io
import json
import resource
import sys
import warnings

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
MAX_PIXELS = 40_000_000  # an A4 scan at 600 dpi is ~35 Mpx; beyond 40 Mpx an image is a bomb or a mistake
MAX_PDF_OBJECTS = 200_000

JAVASCRIPT = "JavaScript 脚本"
LAUNCH = "启动外部程序的动作"
AUTOMATIC = "自动执行的动作（/AA）"
OPEN_ACTION = "打开文档时自动执行的动作"
EMBEDDED = "嵌入的附件"
MULTIMEDIA = "多媒体或三维内容（可含脚本）"
XFA = "XFA 动态表单（可含脚本）"
SUBMIT = "提交或导入数据的动作"
REMOTE = "打开其他文件的动作"
URI = "自动打开网址的动作"

# Dictionary keys that make a viewer run or carry something, wherever they appear.
ACTIVE_KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,
    "/AA": AUTOMATIC,
    "/EmbeddedFile": EMBEDDED,
    "/EmbeddedFiles": EMBEDDED,
    "/EF": EMBEDDED,
    "/XFA": XFA,
    "/RichMediaContent": MULTIMEDIA,
    "/RichMediaSettings": MULTIMEDIA,
}
# Action types (/S) refused wherever they appear (a clicked link's /URI is the one exception, see above).
ACTIVE_ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": SUBMIT,
    "/ImportData": SUBMIT,
    "/GoToR": REMOTE,
    "/GoToE": REMOTE,
    "/URI": URI,
    "/Rendition": MULTIMEDIA,
    "/RichMediaExecute": MULTIMEDIA,
    "/Movie": MULTIMEDIA,
    "/Sound": MULTIMEDIA,
    "/GoTo3DView": MULTIMEDIA,
}
# Annotation and object types (/Subtype, /Type) that carry files or players.
ACTIVE_TYPES = {
    "/RichMedia": MULTIMEDIA,
    "/Screen": MULTIMEDIA,
    "/Movie": MULTIMEDIA,
    "/Sound": MULTIMEDIA,
    "/3D": MULTIMEDIA,
    "/FileAttachment": EMBEDDED,
    "/EmbeddedFile": EMBEDDED,
}

DAMAGED_PDF = "PDF 文件已损坏或不是真正的 PDF"
DAMAGED_IMAGE = "图片文件已损坏或不是真正的图片"


def _name(value) -> str | None:
    import pikepdf

    return str(value) if isinstance(value, pikepdf.Name) else None


def _plain_destination(action) -> bool:
    """An /OpenAction that only shows a place in this document: an explicit destination, or /GoTo to one."""
    import pikepdf

    if isinstance(action, pikepdf.Array):
        return True
    if not isinstance(action, pikepdf.Dictionary) or "/Next" in action:
        return False
    return _name(action.get("/S")) == "/GoTo" and isinstance(action.get("/D"), (pikepdf.Array, pikepdf.Name, pikepdf.String))


def _clicked_uri(annotation) -> object | None:
    """The /URI action of a link annotation (run only by a click), if that is what its /A is."""
    import pikepdf

    if _name(annotation.get("/Subtype")) != "/Link":
        return None
    action = annotation.get("/A")
    if isinstance(action, pikepdf.Dictionary) and _name(action.get("/S")) == "/URI" and "/Next" not in action:
        return action
    return None


class _ActiveContentWalk:
    """Every object of the file visited once (trailer and object table: object streams included), no depth limit."""

    def __init__(self, pdf):
        import pikepdf

        self.containers = (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)
        self.pikepdf = pikepdf
        self.found: set[str] = set()
        self.visited: set[tuple[int, int]] = set()
        self.uri_actions: set[tuple[int, int]] = set()  # indirect /URI actions seen
        self.clicked: set[tuple[int, int]] = set()  # indirect /URI actions that are a link's /A
        # (object, is the /A of a link annotation): direct objects are reached only through their parent.
        self.stack = [(pdf.trailer, False)] + [(obj, False) for obj in pdf.objects]

    def run(self) -> set[str]:
        while self.stack:
            obj, link_action = self.stack.pop()
            if obj.is_indirect:
                if obj.objgen in self.visited:
                    continue
                self.visited.add(obj.objgen)
            if isinstance(obj, (self.pikepdf.Dictionary, self.pikepdf.Stream)):
                self._dictionary(obj, link_action)
            elif isinstance(obj, self.pikepdf.Array):
                self.stack.extend((item, False) for item in obj if isinstance(item, self.containers))
        if self.uri_actions - self.clicked:
            self.found.add(URI)
        return self.found

    def _dictionary(self, obj, link_action) -> None:
        keys = set(obj.keys())
        self.found.update(ACTIVE_KEYS[key] for key in keys & ACTIVE_KEYS.keys())
        self._action(obj, link_action)
        for key in ("/Subtype", "/Type"):
            if _name(obj.get(key)) in ACTIVE_TYPES:
                self.found.add(ACTIVE_TYPES[_name(obj.get(key))])
        if "/OpenAction" in keys and not _plain_destination(obj.get("/OpenAction")):
            self.found.add(OPEN_ACTION)
        link_uri = _clicked_uri(obj)
        if link_uri is not None and link_uri.is_indirect:
            self.clicked.add(link_uri.objgen)
        for key in keys:
            value = obj.get(key)
            if isinstance(value, self.containers):
                self.stack.append((value, key == "/A" and link_uri is not None))

    def _action(self, obj, link_action) -> None:
        action = _name(obj.get("/S"))
        if action == "/URI":
            if obj.is_indirect:
                self.uri_actions.add(obj.objgen)
            elif not link_action:
                self.found.add(URI)
        elif action in ACTIVE_ACTIONS:
            self.found.add(ACTIVE_ACTIONS[action])


def pdf_active_content(pdf) -> set[str]:
    """What in `pdf` could run or carry something: the labels of everything found (empty: nothing)."""
    return _ActiveContentWalk(pdf).run()


def pdf_problem(data: bytes) -> str | None:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                return "PDF 文件已加密，请上传未加密的文件"
            if len(pdf.objects) > MAX_PDF_OBJECTS:
                return "PDF 文件结构过于复杂"
            if len(pdf.pages) == 0:
                return "PDF 文件没有页面"
            found = pdf_active_content(pdf)
    except pikepdf.PasswordError:
        return "PDF 文件已加密，请上传未加密的文件"
    except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RuntimeError):
        return DAMAGED_PDF
    if found:
        return f"PDF 文件含有{'、'.join(sorted(found))}，出于安全原因不予接收；请用“打印为 PDF”或扫描件重新生成后上传"
    return None


def image_problem(data: bytes, content_type: str) -> str | None:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard: a warning above, an error above twice this
    too_large = f"图片像素过多（超过 {MAX_PIXELS // 10_000} 万像素的上限），请缩小分辨率后重新上传"
    expected = {PNG: "PNG", JPEG: "JPEG"}[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    return "图片格式与文件内容不符"
                if image.width * image.height > MAX_PIXELS:
                    return too_large
                image.verify()
            # verify() checks the structure only; decoding proves the pixels are really there.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return too_large
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return DAMAGED_IMAGE
    return None


def content_problem(data: bytes, content_type: str) -> str | None:
    return pdf_problem(data) if content_type == PDF else image_problem(data, content_type)


def _limit(memory_bytes: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # the check writes no file
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv) -> int:
    content_type, memory_bytes, cpu_seconds = argv[1], int(argv[2]), int(argv[3])
    _limit(memory_bytes, cpu_seconds)
    data = sys.stdin.buffer.read()
    try:
        problem = content_problem(data, content_type)
    except MemoryError:
        return 3  # the parent refuses the file as not checkable
    sys.stdout.write(json.dumps({"problem": problem}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
