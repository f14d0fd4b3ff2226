"""Hostile form input (等保 8.1.4.4, ASVS V5): over-long text, absurd amounts, impossible dates, markup and
spreadsheet formulas. Each is refused with a Chinese message that keeps everything typed, or stored as the
literal text it is and shown as text everywhere: HTML pages, PDFs and the 汇总表.

(Hostile uploads are tested in tests/applications/test_materials.py.)
"""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import REPORT_SECTIONS, Application, Enterprise, Honour, PartnerSME, State
from portal.accounts.models import User
from review.documents import rendering
from review.models import ReviewRecord
from review.services import county_verification_save, perform_transition
from tests.documents.helpers import pdf_text
from tests.factories import (
    ApplicationFactory,
    CampaignFactory,
    ClusterFactory,
    city_official,
    county_official,
    eligible_application,
    enterprise_user,
    province_official,
)
from tests.review.journey import rank_next

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(document.cookie)">'
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
IMG_ESCAPED = "&lt;img src=x onerror=&quot;alert(document.cookie)&quot;&gt;"
CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_SAVED = "本次尚未保存"


@pytest.fixture
def campaign():
    return CampaignFactory()


@pytest.fixture
def draft(campaign):
    application = ApplicationFactory(campaign=campaign)
    enterprise_user(application.enterprise)
    return application


@pytest.fixture
def owner_client(client, draft):
    client.force_login(draft.enterprise.users.get())
    return client


def form_data(application, **fields):
    """The 推荐审核表 as the browser posts it, with empty honour and partner lists unless given."""
    data = {
        "version": application.version, "established_on": "", "independent_legal_person": "unknown",
        "honours-TOTAL_FORMS": 0, "honours-INITIAL_FORMS": 0, "honours-MIN_NUM_FORMS": 0, "honours-MAX_NUM_FORMS": 1000,
        "partners-TOTAL_FORMS": 0, "partners-INITIAL_FORMS": 0, "partners-MIN_NUM_FORMS": 0,
        "partners-MAX_NUM_FORMS": 1000,
    }
    data.update(fields)
    return data


def field_errors(response, field, form="form") -> str:
    return " ".join(response.context[form].errors.get(field, []))


def assert_chinese(message: str):
    assert message and CJK.search(message), f"no Chinese message: {message!r}"


# ------------------------------------------------------------------------------------------------------------
# Over-long text
# ------------------------------------------------------------------------------------------------------------


def test_every_report_section_over_5000_characters_is_refused_and_kept(owner_client, draft):
    typed = {name: f"{i}" + "丝" * 5000 for i, name in enumerate(REPORT_SECTIONS)}  # 5001 characters each
    response = owner_client.post(reverse("applications:report", args=[draft.pk]), {"version": 0, **typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_SAVED in page
    for name, text in typed.items():
        message = field_errors(response, name)
        assert "5000" in message and "5001" in message, (name, message)
        assert_chinese(message)
        assert text in page, name
    draft.refresh_from_db()
    assert draft.version == 0 and all(getattr(draft, name) == "" for name in REPORT_SECTIONS)


def test_a_null_character_in_a_report_section_is_refused_not_a_server_error(owner_client, draft):
    response = owner_client.post(
        reverse("applications:report", args=[draft.pk]), {"version": 0, "report_basic": "第一段\x00第二段", "report_brand": "品牌"}
    )
    assert response.status_code == 200
    assert_chinese(field_errors(response, "report_basic"))
    assert "品牌" in response.content.decode()
    draft.refresh_from_db()
    assert draft.report_brand == ""


def registration(cluster, **overrides):
    data = {
        "name": "安平县新星丝网有限公司", "credit_code": "91131125MA0CX7R254", "county": cluster.county_id,
        "cluster": cluster.pk, "legal_representative": "王强", "contact_name": "赵丽", "contact_phone": "13812345678",
        "email": "zhaoli@example.cn", "address": "河北省衡水市安平县工业园区8号", "username": "xinxing",
        "password1": "Wire#mesh2024", "password2": "Wire#mesh2024", "captcha_0": "any", "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def test_registration_names_longer_than_allowed_are_refused_and_kept(client, campaign):
    cluster = ClusterFactory()
    too_long = {
        "name": "安" * 101, "legal_representative": "王" * 51, "contact_name": "赵" * 51, "address": "冀" * 201,
        "username": "u" * 151,
    }
    response = client.post(reverse("applications:register"), registration(cluster, **too_long))
    assert response.status_code == 200
    page = response.content.decode()
    for name, text in too_long.items():
        message = field_errors(response, name)
        assert str(len(text)) in message, (name, message)
        assert_chinese(message)
        assert text in page, name
    assert "91131125MA0CX7R254" in page and "zhaoli@example.cn" in page
    assert not Enterprise.objects.exists() and not User.objects.exists()


def test_form_text_fields_longer_than_allowed_are_refused_and_kept(owner_client, draft):
    typed = {
        "iso9000_number": "Q" * 61, "iso9000_issuer": "中" * 101, "rd_institution_name": "研" * 101,
        "honours-TOTAL_FORMS": 1, "honours-0-kind": "credit", "honours-0-level": "provincial",
        "honours-0-name": "誉" * 101, "honours-0-year": "2021", "honours-0-issuer": "河北省市场监督管理局",
        "partners-TOTAL_FORMS": 1, "partners-0-name": "协" * 101, "partners-0-credit_code": "91131125MA0CX7R254",
        "partners-0-cooperation": "配" * 101,
    }
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, **typed))
    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_SAVED in page
    for name in ("iso9000_number", "iso9000_issuer", "rd_institution_name"):
        assert_chinese(field_errors(response, name))
    assert_chinese(" ".join(response.context["honours"].forms[0].errors["name"]))
    partner_errors = response.context["partners"].forms[0].errors
    assert_chinese(" ".join(partner_errors["name"]) + " ".join(partner_errors["cooperation"]))
    for name in ("iso9000_number", "iso9000_issuer", "rd_institution_name", "honours-0-name", "partners-0-name",
                 "partners-0-cooperation"):
        assert typed[name] in page, name
    draft.refresh_from_db()
    assert draft.version == 0 and not draft.honours.exists() and not draft.partners.exists()


def test_an_over_long_review_opinion_is_refused_and_kept(client):
    application = eligible_application()
    perform_transition(application_id=application.pk, action="submit", actor=application.enterprise.users.get())
    client.force_login(county_official("131125"))
    opinion = "意" * 2001
    response = client.post(
        reverse("review:transition", args=[application.pk]),
        {"action": "county_return", "opinion": opinion, "expected_state": State.COUNTY_REVIEW},
    )
    assert response.status_code == 400
    assert "提交的内容有误" in response.content.decode()
    assert_chinese(field_errors(response, "opinion"))
    assert opinion in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.COUNTY_REVIEW


# ------------------------------------------------------------------------------------------------------------
# Absurd amounts and impossible dates
# ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("revenue", "-1", "金额不能为负数"),
        ("revenue", "1000000000000.01", "金额超出合理范围"),  # just above 10^12 万元
        ("tax_total", "1e13", "金额超出合理范围"),
        ("total_assets", "99999999999999999999", "请核对"),
        ("owners_equity", "NaN", "请输入数字"),
        ("rd_spend", "Infinity", "请输入数字"),
        ("revenue", "五万", "请输入数字"),
        ("cluster_rank", "-5", "不能小于"),
        ("cluster_rank", "100000", "不能大于"),
        ("patents_invention", "-1", "不能小于"),
        ("patents_utility", "1e9", "整数"),
        ("established_on", "2024-02-30", "正确的日期"),
        ("established_on", "abc", "正确的日期"),
        ("established_on", "0001-01-01", "早于1949年10月1日"),
        ("established_on", "10000-01-01", "正确的日期"),
        ("established_on", "2999-01-01", "晚于今天"),
        ("iso9000_valid_until", "2024-02-30", "正确的日期"),
    ],
)
def test_absurd_numbers_and_dates_are_refused_with_a_chinese_message_and_kept(owner_client, draft, field, typed, expected):
    response = owner_client.post(
        reverse("applications:form", args=[draft.pk]),
        form_data(draft, **{field: typed, "iso9000_issuer": "中国质量认证中心"}),
    )
    assert response.status_code == 200
    message = field_errors(response, field)
    assert expected in message, message
    assert_chinese(message)
    page = response.content.decode()
    assert f'value="{typed}"' in page and "中国质量认证中心" in page
    draft.refresh_from_db()
    assert draft.version == 0 and draft.iso9000_issuer == ""


def test_an_honour_year_0001_is_refused(owner_client, draft):
    data = form_data(
        draft, **{"honours-TOTAL_FORMS": 1, "honours-0-kind": "credit", "honours-0-level": "provincial",
                  "honours-0-name": "河北省守合同重信用企业", "honours-0-year": "0001", "honours-0-issuer": "河北省市场监督管理局"}
    )
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), data)
    assert response.status_code == 200
    message = " ".join(response.context["honours"].forms[0].errors["year"])
    assert "1949" in message
    assert_chinese(message)
    assert not Honour.objects.exists()


@pytest.mark.parametrize("typed", ["-1", "1000000000000.01", "abc"])
def test_absurd_verified_figures_are_refused_and_kept(client, typed):
    application = eligible_application()
    perform_transition(application_id=application.pk, action="submit", actor=application.enterprise.users.get())
    client.force_login(county_official("131125"))
    data = {"revenue": typed, "tax_total": "2600", "total_assets": "80000", "owners_equity": "48000", "cluster_rank": "1",
            "remarks": "经实地核查。", "version": 0}
    response = client.post(reverse("review:verification", args=[application.pk]), data)
    assert response.status_code == 200
    assert_chinese(field_errors(response, "revenue"))
    assert f'value="{typed}"' in response.content.decode() and "经实地核查。" in response.content.decode()
    assert not hasattr(Application.objects.get(pk=application.pk), "county_verification")


@pytest.mark.parametrize("typed", ["2024-02-30", "abc", "99999-01-01"])
def test_impossible_meeting_and_deadline_dates_are_refused_and_kept(client, campaign, typed):
    client.force_login(province_official())
    meeting = client.post(
        reverse("review:meetings"), {"name": "龙头企业认定会议", "held_on": typed, "minutes_number": "省局会议纪要〔2024〕8号"}
    )
    assert meeting.status_code == 200
    assert "日期格式应为 年-月-日" in field_errors(meeting, "held_on")
    assert "省局会议纪要〔2024〕8号" in meeting.content.decode()
    extension = client.post(
        reverse("review:extend_deadline"), {"level": "county", "new_date": typed, "reason": "因系统维护顺延"}
    )
    assert extension.status_code == 400
    assert "日期格式应为 年-月-日" in field_errors(extension, "new_date")
    assert "因系统维护顺延" in extension.content.decode()


# ------------------------------------------------------------------------------------------------------------
# Markup: stored as typed, shown as text
# ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def hostile_application(client):
    """An eligible application whose enterprise typed markup everywhere, submitted, verified and passed by a
    county that typed markup in its remarks, opinion and internal note."""
    application = eligible_application()
    Enterprise.objects.filter(pk=application.enterprise_id).update(name=f"{SCRIPT}丝网有限公司", contact_name=IMG)
    owner = application.enterprise.users.get()
    client.force_login(owner)
    sections = {name: f"{SCRIPT}第{i}节{IMG}" for i, name in enumerate(REPORT_SECTIONS)}
    response = client.post(reverse("applications:report", args=[application.pk]), {"version": application.version, **sections})
    assert response.status_code == 302
    Application.objects.filter(pk=application.pk).update(iso9000_issuer=IMG, rd_institution_name=SCRIPT)
    Honour.objects.filter(application=application).update(name=SCRIPT, issuer=IMG)
    PartnerSME.objects.filter(application=application).update(name=IMG, cooperation=SCRIPT)
    assert client.post(reverse("applications:submit", args=[application.pk])).status_code == 302
    county = county_official("131125")
    county_verification_save(
        application_id=application.pk, actor=county, version=0,
        data={"revenue": application.revenue, "tax_total": application.tax_total, "total_assets": application.total_assets,
              "owners_equity": application.owners_equity, "cluster_rank": 1, "remarks": SCRIPT},
    )
    client.force_login(county)
    response = client.post(
        reverse("review:transition", args=[application.pk]),
        {"action": "county_pass", "opinion": f"同意推荐{SCRIPT}", "internal_note": IMG, "expected_state": State.COUNTY_REVIEW},
    )
    assert response.status_code == 302
    client.logout()
    return Application.objects.get(pk=application.pk)


def test_markup_is_stored_exactly_as_typed(hostile_application):
    assert hostile_application.report_basic == f"{SCRIPT}第0节{IMG}"
    record = ReviewRecord.objects.get(application=hostile_application, action="county_pass")
    assert record.opinion == f"同意推荐{SCRIPT}" and record.internal_note == IMG


def assert_shown_as_text(html: str, *escaped):
    assert SCRIPT not in html and "<img src=x" not in html and "onerror=\"alert" not in html
    for text in escaped:
        assert text in html, text


def test_markup_is_escaped_on_the_enterprise_pages(client, hostile_application):
    client.force_login(hostile_application.enterprise.users.get())
    detail = client.get(reverse("applications:detail", args=[hostile_application.pk])).content.decode()
    assert_shown_as_text(detail, SCRIPT_ESCAPED + "第0节" + IMG_ESCAPED, f"同意推荐{SCRIPT_ESCAPED}")
    assert_shown_as_text(client.get(reverse("applications:home")).content.decode(), SCRIPT_ESCAPED)


def test_markup_is_escaped_on_the_officials_pages(client, hostile_application):
    client.force_login(county_official("131125"))
    detail = client.get(reverse("review:application_detail", args=[hostile_application.pk])).content.decode()
    assert_shown_as_text(
        detail,
        SCRIPT_ESCAPED + "第0节" + IMG_ESCAPED,  # 申请报告
        f"同意推荐{SCRIPT_ESCAPED}",  # the timeline's opinion
        IMG_ESCAPED,  # internal note, 颁发单位, partners
        f"{SCRIPT_ESCAPED}丝网有限公司",  # the enterprise's name
    )
    for url in (reverse("review:county_queue") + "?state=all", reverse("review:notifications")):
        assert_shown_as_text(client.get(url).content.decode())
    client.force_login(city_official("131100"))
    for url in (reverse("review:city_clusters"), reverse("review:application_detail", args=[hostile_application.pk])):
        assert_shown_as_text(client.get(url).content.decode(), f"{SCRIPT_ESCAPED}丝网有限公司")


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_markup_prints_literally_in_the_pdfs(hostile_application):
    application = Application.objects.select_related("enterprise", "campaign", "cluster").get(pk=hostile_application.pk)
    report = pdf_text(rendering.report_pdf(application))
    assert "<script>alert(1)</script>" in report
    assert squashed(IMG) in report
    form = pdf_text(rendering.form_pdf(application))
    assert "<script>alert(1)</script>丝网有限公司" in form
    assert squashed(IMG) in form
    verification = pdf_text(rendering.verification_pdf(application))
    assert "<script>alert(1)</script>" in verification


# ------------------------------------------------------------------------------------------------------------
# Spreadsheet formulas typed at registration end up as text in the 汇总表
# ------------------------------------------------------------------------------------------------------------


def test_formulas_typed_at_registration_are_text_in_the_summary_workbook(client, campaign):
    name = '=HYPERLINK("http://evil.example","详情")'
    contact = "@SUM(1+1)*cmd|' /C calc'!A0"
    cluster = ClusterFactory()
    response = client.post(
        reverse("applications:register"), registration(cluster, name=name, contact_name=contact), follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "注册成功" in html and '=HYPERLINK(&quot;http://evil.example&quot;,&quot;详情&quot;)' in html
    enterprise = Enterprise.objects.get()
    assert enterprise.name == name and enterprise.contact_name == contact
    application = eligible_application(campaign=campaign, enterprise=enterprise)
    perform_transition(application_id=application.pk, action="submit", actor=enterprise.users.get())
    county = county_official("131125")
    county_verification_save(
        application_id=application.pk, actor=county, version=0,
        data={"revenue": application.revenue, "tax_total": application.tax_total, "total_assets": application.total_assets,
              "owners_equity": application.owners_equity, "cluster_rank": 1, "remarks": ""},
    )
    perform_transition(application_id=application.pk, action="county_pass", actor=county, opinion="-2+3")
    city = city_official("131100")
    rank_next(application)
    perform_transition(  # the 汇总表 lists the recommended
        application_id=application.pk, action="city_forward", actor=city, opinion="同意上报。"
    )
    client.force_login(city)
    download = client.get(reverse("documents:summary_xlsx"))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"], "a formula in the workbook"
    typed = {cell.value: cell for cell in cells if cell.value in (name, contact, "-2+3")}
    assert set(typed) == {name, contact, "-2+3"}
    for cell in typed.values():
        assert cell.data_type == "s" and cell.quotePrefix is True, cell.coordinate
