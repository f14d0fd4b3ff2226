"""申请报告, 推荐审核表, 核实情况证明: content, embedded Chinese fonts, fingerprint footer, jurisdiction."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from review.documents import pdf as pdf_module
from review.documents.pdf import CJKFontMissing, cjk_font_families, document_url_fetcher, render_pdf
from review.models import ReviewRecord
from tests.documents.conftest import embedded_cjk_fonts
from tests.documents.helpers import (
    awarded_application,
    pdf_pages_text,
    pdf_text,
    pdffonts,
    save_pages_png,
    squash,
    submitted_application,
    verify,
)
from tests.factories import (
    ApplicationFactory,
    EnterpriseFactory,
    auditor,
    city_official,
    county_official,
    eligible_application,
    enterprise_user,
    province_official,
    sysadmin,
)

pytestmark = pytest.mark.django_db

DOCUMENTS = ["report_pdf", "form_pdf", "verification_pdf", "certificate_pdf", "dossier", "paper_copy"]


def get(client, user, name, application):
    client.force_login(user)
    return client.get(reverse(f"documents:{name}", args=[application.pk]))


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_report_pdf_has_cover_sections_and_page_numbers(client, pdf_file):
    application = submitted_application()
    response = get(client, application.enterprise.users.first(), "report_pdf", application)
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "filename*=utf-8''" in response["Content-Disposition"]
    data = body(response)
    save_pages_png(data, "report")
    text = pdf_text(data)
    for expected in ("河北省产业集群龙头企业", "申请报告", "申报单位（盖章）", application.enterprise.name, "所属产业集群",
                     "安平县丝网产业集群", "法定代表人（签字）", "推荐单位安平县工业和信息化局", "一、企业基本情况",
                     "二、在区域经济发展中的地位作用", "八、带动中小企业", "企业成立于2005年，主营丝网制品。"):
        assert squash(expected) in text, expected
    pages = pdf_pages_text(data)
    # The cover carries no footer and no number; the text pages are numbered from 1.
    assert "数据指纹" not in pages[0] and "页，共" not in pages[0]
    assert f"第1页，共{len(pages) - 1}页" in pages[1]
    assert f"第{len(pages) - 1}页，共{len(pages) - 1}页" in pages[-1]
    # The closing signature block ends the report.
    assert pages[-1].index("法定代表人（签字）") > pages[-1].index("申报单位（盖章）")
    fonts = embedded_cjk_fonts(pdffonts(pdf_file(data)))
    assert any(name.replace("-", "").startswith(("NotoSansCJK", "NotoSerifCJK")) for name in fonts), fonts


def test_form_pdf_has_data_verdicts_and_three_opinion_blocks(client, pdf_file):
    application = awarded_application()
    data = body(get(client, province_official(), "form_pdf", application))
    text = pdf_text(data)
    for expected in (
        "河北省产业集群龙头企业推荐审核表", application.enterprise.credit_code, "52,000.00", "申报条件核查",
        "A3", "年营业收入1亿元以上", "满足", "县级初审意见", "设区市工信局审核意见", "省局审定意见",
        "初审通过", "经核实，符合申报条件，同意推荐。", "张核实", "审核通过并上报", "同意上报。", "李审核",
        "认定", "经会议研究，予以认定。", "王审定", "单位（盖章）：安平县工业和信息化局", "负责人（签字）",
        "单位（盖章）：衡水市工业和信息化局", "单位（盖章）：河北省中小企业局", "安平县协作企业12",
    ):
        assert squash(expected) in text, expected
    assert "尚未审核" not in text
    assert "52000.00" not in text and "年06月" not in text  # one number format, one date format
    assert len(embedded_cjk_fonts(pdffonts(pdf_file(data)))) >= 2  # serif body and sans headings


def test_form_pdf_of_a_draft_is_unsigned_and_has_empty_opinions(client):
    application = eligible_application()
    text = pdf_text(body(get(client, application.enterprise.users.first(), "form_pdf", application)))
    assert text.count("尚未审核") == 3
    assert "尚未签署" in text


def test_verification_pdf_shows_declared_and_verified_figures(client, pdf_file):
    application = submitted_application()
    verify(application, county=county_official("131125", full_name="刘核实"), revenue=51000)
    data = body(get(client, county_official("131125"), "verification_pdf", application))
    save_pages_png(data, "verification")
    text = pdf_text(data)
    for expected in ("县级中小企业管理部门核实情况证明", "衡水市工业和信息化局", application.enterprise.name,
                     "企业申报数", "县级核实数", "52,000.00", "51,000.00", "不一致", "刘核实", "安平县工业和信息化局",
                     "经实地核查，数据基本属实。", "核实结论：经核实，该企业符合申报条件。", "负责人（签字）"):
        assert squash(expected) in text, expected
    assert embedded_cjk_fonts(pdffonts(pdf_file(data)))


def test_verification_pdf_without_verification_answers_404(client):
    application = submitted_application()
    assert get(client, county_official("131125"), "verification_pdf", application).status_code == 404


def test_document_footer_qr_opens_the_signed_record_check(client, pdf_file, qr_codes):
    application = submitted_application()
    data = body(get(client, application.enterprise.users.first(), "form_pdf", application))
    sha = ReviewRecord.objects.get(application=application, action="submit").data_sha256
    assert sha[:16] in pdf_text(data)
    expected = f"{settings.PUBLIC_BASE_URL}/verify/document/{sha}"
    assert qr_codes(pdf_file(data)) == [expected]
    client.logout()
    page = client.get(f"/verify/document/{sha}")
    assert page.status_code == 200
    content = page.content.decode()
    assert application.enterprise.name in content and "与签署记录一致" in content
    # Nothing about the application's state or figures.
    for secret in ("待县级初审", "52000", application.enterprise.credit_code):
        assert secret not in content


@pytest.mark.parametrize("value", ["0" * 64, "abc", "a" * 63, "A" * 65])
def test_document_check_unknown_or_partial_fingerprint_answers_404(client, value):
    submitted_application()
    response = client.get(f"/verify/document/{value}")
    assert response.status_code == 404
    assert "未找到签署记录" in response.content.decode()


def test_document_check_needs_the_whole_fingerprint(client):
    application = submitted_application()
    sha = ReviewRecord.objects.get(application=application).data_sha256
    assert client.get(f"/verify/document/{sha[:16]}").status_code == 404


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_of_another_county_answer_404(client, name):
    application = awarded_application()
    assert get(client, county_official("130534"), name, application).status_code == 404
    assert get(client, city_official("130500"), name, application).status_code == 404
    assert get(client, enterprise_user(EnterpriseFactory()), name, application).status_code == 404


@pytest.mark.parametrize("name", DOCUMENTS)
def test_documents_refused_to_administrators(client, name):
    application = awarded_application()
    assert get(client, sysadmin(), name, application).status_code == 403
    assert get(client, auditor(), name, application).status_code == 403


def test_documents_anonymous_goes_to_login(client):
    application = submitted_application()
    response = client.get(reverse("documents:report_pdf", args=[application.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_county_sees_a_draft_only_after_submission(client):
    application = ApplicationFactory()
    assert get(client, county_official("131125"), "report_pdf", application).status_code == 404


def test_document_download_is_audited(client):
    application = submitted_application()
    user = county_official("131125")
    body(get(client, user, "form_pdf", application))
    event = AuditEvent.objects.get(event=Event.DOWNLOAD, user=user)
    assert event.object_id == str(application.pk) and "推荐审核表" in event.detail


def test_missing_cjk_font_fails_loudly(monkeypatch, tmp_path):
    """With no CJK font fontconfig reports nothing: refuse instead of printing empty boxes."""
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    cjk_font_families.cache_clear()
    try:
        with pytest.raises(CJKFontMissing, match="fonts-noto-cjk"):
            cjk_font_families()
    finally:
        cjk_font_families.cache_clear()
    monkeypatch.undo()
    assert any("Noto" in family for family in cjk_font_families())


def test_missing_cjk_font_stops_rendering(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-list at all
    monkeypatch.setattr(pdf_module, "_font_config", None)
    cjk_font_families.cache_clear()
    try:
        with pytest.raises(CJKFontMissing):
            render_pdf("<p>河北</p>")
    finally:
        cjk_font_families.cache_clear()


def test_documents_load_only_local_assets():
    fetch = document_url_fetcher({"seal": (b"\x89PNG\r\n\x1a\nxx", "image/png")})
    assert fetch("portal-asset:seal").read().startswith(b"\x89PNG")
    stylesheet = pdf_module.static_root() / "css" / "documents-print.css"
    assert b"@page" in fetch(stylesheet.as_uri()).read()
    for url in ("file:///etc/passwd", "http://127.0.0.1:8000/admin/", "https://example.com/x.png"):
        with pytest.raises(ValueError):
            fetch(url)


def test_pdf_with_hostile_text_stays_text(client):
    """Enterprise text is escaped: markup in a report section is printed, not interpreted."""
    application = eligible_application()
    application.report_basic = '<img src="file:///etc/passwd"><b>加粗</b>'
    application.save(update_fields=["report_basic"])
    data = body(get(client, application.enterprise.users.first(), "report_pdf", application))
    assert squash('<img src="file:///etc/passwd">') in pdf_text(data)
    assert "加粗" in pdf_text(data)


def test_multi_page_form_repeats_header_rows_on_every_page(client):
    from applications.models import PartnerSME
    application = awarded_application()
    PartnerSME.objects.bulk_create(
        [PartnerSME(application=application, name=f"衡水市协作配套企业第{n}号有限公司", credit_code=f"P{n:017d}",
                    cooperation="提供丝网原材料与配套加工服务") for n in range(60)]
    )
    data = body(get(client, province_official(), "form_pdf", application))
    save_pages_png(data, "form", first=1, last=3)
    pages = pdf_pages_text(data)
    assert len(pages) >= 4
    partner_pages = [page for page in pages if "协作配套企业第" in page]
    assert len(partner_pages) >= 2
    for page in partner_pages:
        assert "序号企业名称统一社会信用代码协作方式" in page  # the header rows repeat
    condition_pages = [page for page in pages if "不满足" in page or "满足" in page]
    for page in condition_pages:
        assert "条件申报条件结果依据" in page
    # Opinion blocks are whole on one page each (a row never splits).
    for title in ("县级初审意见", "设区市工信局审核意见", "省局审定意见"):
        holding = [page for page in pages if title in page]
        assert len(holding) == 1
        assert "负责人（签字）" in holding[0]


def test_verification_pdf_concludes_which_conditions_are_not_met(client):
    application = submitted_application()
    verify(application, county=county_official("131125"), revenue=8000, owners_equity=30000)
    text = pdf_text(body(get(client, county_official("131125"), "verification_pdf", application)))
    assert "经核实，该企业不符合申报条件" in text
    assert "A3“年营业收入1亿元以上”" in text and "E1“资产所有者权益超过50%”" in text
    assert "A4“" not in text  # 纳税总额 is met


def test_three_years_show_with_growth_on_the_officials_page_and_in_the_form_pdf(client):
    application = submitted_application(
        revenue_y3=Decimal("32000.00"), revenue_y2=Decimal("41600.00"),  # 上年度 52,000.00: +25.00%
        tax_total_y3=Decimal("1800.00"), tax_total_y2=Decimal("2000.00"),  # 上年度 2,600.00: +30.00%
        rd_spend_y2=Decimal("2600.00"),  # 上年度 2,080.00: −20.00%
    )
    years = [application.campaign.year - n for n in (3, 2, 1)]
    client.force_login(county_official())
    page = client.get(reverse("review:application_detail", args=[application.pk])).content.decode()
    table = re.search(r'<table[^>]*growth-table.*?</table>', page, re.S).group(0)
    rows = {cells[0]: cells[1:] for cells in (
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>.*?</tr>", table, re.S)
    )}
    assert rows["项目"] == [f"{y}年" for y in years] + ["上年度增长"]
    assert rows["营业收入"] == ["32,000.00", "41,600.00", "52,000.00", "25.00%"]  # as the figures table and the PDF
    assert rows["纳税总额"] == ["1,800.00", "2,000.00", "2,600.00", "30.00%"]
    assert rows["科技投入"] == ["—", "2,600.00", "2,080.00", "-20.00%"]
    assert rows["净利润"][-1] == "—"  # no figures, no growth

    text = pdf_text(body(get(client, county_official(), "form_pdf", application)))
    assert squash("项目" + "".join(f"{y}年" for y in years) + "上年度增长") in text
    assert squash("营业收入32,000.0041,600.0052,000.0025.00%") in text
    assert squash("纳税总额1,800.002,000.002,600.0030.00%") in text
    assert squash("科技投入—2,600.002,080.00-20.00%") in text


def test_form_pdf_keeps_every_figure_inside_the_page_when_the_county_corrected_them(client, pdf_file):
    """The figures the county corrected carry 「（核）」 and the enterprise's own figure, the shares their
    percentages: long cells wrap inside the table instead of pushing its right column off the page."""
    from tests.documents.helpers import verify, word_boxes

    application = submitted_application()
    verify(application, revenue=Decimal("30980.00"), tax_total=Decimal("1620.00"), total_assets=Decimal("80000.00"),
           owners_equity=Decimal("48000.00"))
    path = pdf_file(body(get(client, county_official("131125"), "form_pdf", application)))
    pages = word_boxes(path)
    text = squash(pdf_text(path.read_bytes()))
    for expected in ("30,980.00（核）", "1,620.00（核）", "（占资产总额60.00%）"):
        assert squash(expected) in text, expected
    for page in pages:
        right_margin = page["width"] - 15 * 72 / 25.4  # 15 mm: inside the printed area
        outside = [w for w in page["words"] if w[3] > right_margin]
        assert not outside, outside
