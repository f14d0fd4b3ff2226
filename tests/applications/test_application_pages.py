"""申请报告 and 推荐审核表: drafts, validation that loses nothing, the expired-session stash, stale versions."""

from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from applications.models import Application, PartnerSME
from applications.stash import RESTORED_MESSAGE
from demo.seed import synthetic_credit_code
from tests.factories import PASSWORD, eligible_application, enterprise_user

pytestmark = pytest.mark.django_db


def form_data(application, *, partners=(), honours=(), **fields):
    """The 推荐审核表 as the browser posts it."""
    data = {
        "version": application.version,
        "established_on": "",
        "independent_legal_person": "unknown",
        "honours-TOTAL_FORMS": len(honours),
        "honours-INITIAL_FORMS": 0,
        "honours-MIN_NUM_FORMS": 0,
        "honours-MAX_NUM_FORMS": 1000,
        "partners-TOTAL_FORMS": len(partners),
        "partners-INITIAL_FORMS": 0,
        "partners-MIN_NUM_FORMS": 0,
        "partners-MAX_NUM_FORMS": 1000,
    }
    for i, (kind, level, name, year, issuer) in enumerate(honours):
        data.update({f"honours-{i}-kind": kind, f"honours-{i}-level": level, f"honours-{i}-name": name,
                     f"honours-{i}-year": year, f"honours-{i}-issuer": issuer})
    for i, (name, code, cooperation) in enumerate(partners):
        data.update({f"partners-{i}-name": name, f"partners-{i}-credit_code": code,
                     f"partners-{i}-cooperation": cooperation})
    data.update(fields)
    return data


def partners(n, start=0):
    return [(f"协作企业{i}", synthetic_credit_code("131125", 7000 + i), "零部件配套") for i in range(start, start + n)]


def test_report_half_filled_is_saved_as_draft(owner_client, draft):
    url = reverse("applications:report", args=[draft.pk])
    response = owner_client.post(url, {"version": 0, "report_basic": "第一行\r\n第二行"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.report_basic == "第一行\n第二行"  # CRLF counted as the user sees it
    assert draft.report_brand == ""
    assert draft.version == 1
    assert draft.state == "draft"


def test_report_page_shows_character_count_and_maximum(owner_client, draft):
    draft.report_basic = "一二三"
    draft.save()
    page = owner_client.get(reverse("applications:report", args=[draft.pk])).content.decode()
    assert "已输入 3 字 / 最多 5000 字" in page
    assert 'data-char-count="5000"' in page and 'maxlength="5000"' not in page  # refused with a message, never cut
    assert "js/application.js" in page


def test_report_too_long_keeps_all_typed_text(owner_client, draft):
    url = reverse("applications:report", args=[draft.pk])
    too_long = "字" * 5001
    response = owner_client.post(url, {"version": 0, "report_basic": too_long, "report_brand": "品牌建设内容"})
    assert response.status_code == 200
    assert "5000" in " ".join(response.context["form"].errors["report_basic"])
    page = response.content.decode()
    assert too_long in page and "品牌建设内容" in page
    draft.refresh_from_db()
    assert draft.report_brand == "" and draft.version == 0


def test_form_half_filled_is_saved_as_draft(owner_client, draft):
    url = reverse("applications:form", args=[draft.pk])
    response = owner_client.post(url, form_data(draft, revenue="52,000.5", cluster_rank="2"))
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.revenue == Decimal("52000.50")
    assert draft.cluster_rank == 2
    assert draft.patents_invention == 0
    assert draft.established_on is None


def test_form_validation_error_keeps_every_typed_value(owner_client, draft):
    url = reverse("applications:form", args=[draft.pk])
    data = form_data(
        draft,
        partners=partners(3),
        honours=[("famous_trademark", "provincial", "河北省著名商标", "2019", "河北省工商局")],
        revenue="五万",  # not a number
        tax_total="2600",
        iso9000_number="00123Q45678R0M",
        rd_institution_name="丝网工程技术研究中心",
    )
    response = owner_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["revenue"]
    page = response.content.decode()
    for typed in ("五万", "2600", "00123Q45678R0M", "丝网工程技术研究中心", "河北省著名商标", "协作企业2",
                  partners(3)[1][1]):
        assert typed in page
    assert "本次尚未保存" in page
    draft.refresh_from_db()
    assert draft.tax_total is None and not draft.partners.exists()


def test_form_saves_honours_and_partners(owner_client, draft):
    url = reverse("applications:form", args=[draft.pk])
    honours = [("credit", "provincial", "河北省守合同重信用企业", "2021", "河北省市场监督管理局")]
    response = owner_client.post(url, form_data(draft, partners=partners(10), honours=honours))
    assert response.status_code == 302
    assert draft.partners.count() == 10
    assert draft.honours.get().name == "河北省守合同重信用企业"
    # a second save replaces the lists (one partner deleted)
    draft.refresh_from_db()
    response = owner_client.post(url, form_data(draft, partners=partners(9), honours=honours))
    assert draft.partners.count() == 9


def test_duplicate_partner_code_is_refused_on_its_row(owner_client, draft):
    rows = partners(3)
    rows.append(("重复企业", rows[0][1].lower(), "委托加工"))
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, partners=rows))
    assert response.status_code == 200
    row_errors = [f.errors.get("credit_code", []) for f in response.context["partners"].forms[:4]]
    assert row_errors[:3] == [[], [], []]
    assert "与第1行重复" in row_errors[3][0]
    assert not PartnerSME.objects.exists()


def test_more_honours_than_the_form_takes_are_refused_in_rows(owner_client, draft):
    honours = [("credit", "provincial", f"河北省守合同重信用企业（第{n}次）", 2000 + n % 20, "河北省市场监督管理局") for n in range(51)]
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, honours=honours))
    assert response.status_code == 200
    page = response.content.decode()
    assert "最多填写 50 行。" in page  # Django's 「请最多提交 50 个表单。」 in the form's own terms
    assert "表单" not in page
    assert draft.honours.count() == 0


def test_partner_code_is_validated(owner_client, draft):
    rows = [("协作企业", "91131125MA0CX7R255", "配套")]
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, partners=rows))
    assert response.status_code == 200
    assert "第18位应为 4" in str(response.context["partners"].forms[0].errors["credit_code"])


def test_partner_cannot_be_the_enterprise_itself(owner_client, draft):
    rows = [("本企业", draft.enterprise.credit_code, "配套")]
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, partners=rows))
    assert "本企业自己的统一社会信用代码" in response.context["partners"].forms[0].errors["credit_code"][0]


def test_equity_above_assets_is_refused(owner_client, draft):
    response = owner_client.post(
        reverse("applications:form", args=[draft.pk]), form_data(draft, total_assets="100", owners_equity="200")
    )
    assert "不能大于资产总额" in " ".join(response.context["form"].errors["owners_equity"])


def test_stale_version_is_refused_and_typed_data_kept(owner_client, draft):
    url = reverse("applications:report", args=[draft.pk])
    assert owner_client.post(url, {"version": 0, "report_basic": "第一个标签页"}).status_code == 302
    response = owner_client.post(url, {"version": 0, "report_basic": "第二个标签页"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "已在其他页面或窗口被修改" in page
    assert "第二个标签页" in page
    draft.refresh_from_db()
    assert draft.report_basic == "第一个标签页"
    # the form now carries the current version: a deliberate second click saves
    assert response.context["form"]["version"].value() == "1"
    assert owner_client.post(url, {"version": 1, "report_basic": "第二个标签页"}).status_code == 302
    draft.refresh_from_db()
    assert draft.report_basic == "第二个标签页"


def test_stale_version_on_the_form_keeps_lists(owner_client, draft):
    url = reverse("applications:form", args=[draft.pk])
    assert owner_client.post(url, form_data(draft, tax_total="600")).status_code == 302
    response = owner_client.post(url, form_data(draft, tax_total="700", partners=partners(2)))  # version 0 again
    assert response.status_code == 200
    assert "已在其他页面或窗口被修改" in response.content.decode()
    assert partners(2)[1][1] in response.content.decode()
    draft.refresh_from_db()
    assert draft.tax_total == Decimal("600") and not draft.partners.exists()


@pytest.mark.parametrize("page", ["report", "form"])
def test_expired_session_stash_restores_data_after_login(client, draft, owner, page):
    url = reverse(f"applications:{page}", args=[draft.pk])
    data = (
        {"version": 0, "report_basic": "会话过期前写的内容", "report_brand": "品牌"}
        if page == "report"
        else form_data(draft, rd_institution_name="会话过期前写的内容", partners=partners(2))
    )
    client.post(reverse("accounts:login"), {"username": owner.username, "password": PASSWORD})
    Session.objects.all().delete()  # the session expired
    cache.clear()  # and its cached copy with it
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"
    login = client.post(response.url, {"username": owner.username, "password": PASSWORD})
    assert login.status_code == 302 and login.url == url
    page_response = client.get(url)
    text = page_response.content.decode()
    assert RESTORED_MESSAGE in text
    assert "会话过期前写的内容" in text
    draft.refresh_from_db()
    assert draft.version == 0  # nothing saved until the user clicks 保存草稿
    # shown once only
    assert RESTORED_MESSAGE not in client.get(url).content.decode()


def test_locked_application_cannot_be_edited(client, campaign):
    application = eligible_application(campaign=campaign)
    client.force_login(application.enterprise.users.get())
    Application.objects.filter(pk=application.pk).update(state="county_review")
    for page in ("report", "form"):
        url = reverse(f"applications:{page}", args=[application.pk])
        response = client.post(url, {"version": 0, "report_basic": "篡改"})
        assert response.status_code == 302
        assert response.url == reverse("applications:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.report_basic != "篡改"


def test_checklist_endpoint_evaluates_unsaved_form_data(owner_client, draft):
    url = reverse("applications:checklist", args=[draft.pk])
    data = form_data(draft, revenue="10000", rd_spend="299.99", partners=partners(10), cluster_rank="4")
    response = owner_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="eligibility-checklist"' in html
    assert "科技投入占营业收入 2.99%，低于 3%" in html
    assert "带动中小企业 10 家，达到10家" in html
    assert "集群内排名第 4 位，不在前3位" in html
    assert 'href="#form-finance"' in html
    draft.refresh_from_db()
    assert draft.revenue is None and not draft.partners.exists()  # nothing saved


def test_checklist_counts_duplicate_partners_once_and_ignores_deleted_rows(owner_client, draft):
    rows = partners(10)
    rows[9] = ("重复", rows[0][1], "配套")
    data = form_data(draft, partners=rows)
    data["partners-1-DELETE"] = "on"
    html = owner_client.post(reverse("applications:checklist", args=[draft.pk]), data).content.decode()
    assert "带动中小企业 8 家，少于10家" in html


def test_form_page_renders_checklist_without_javascript(owner_client, draft):
    draft.revenue = Decimal("9999.99")
    draft.save()
    page = owner_client.get(reverse("applications:form", args=[draft.pk])).content.decode()
    assert "上年度营业收入 9,999.99 万元，低于 10,000.00 万元" in page
    assert 'id="honours-empty"' in page and "添加一行" in page
    assert 'data-checklist-url="' in page


def test_form_page_offers_ten_partner_rows_without_javascript(owner_client, draft):
    response = owner_client.get(reverse("applications:form", args=[draft.pk]))
    assert len(response.context["partners"].forms) == 10


def test_other_enterprise_cannot_post_to_my_pages(client, draft):
    intruder = enterprise_user()
    client.force_login(intruder)
    for name in ("report", "form", "checklist", "materials", "submit", "withdraw", "detail"):
        url = reverse(f"applications:{name}", args=[draft.pk])
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {"version": 0}).status_code == 404, name
