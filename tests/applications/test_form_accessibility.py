"""The 推荐审核表 sent back with errors: every error is named, linked and tied to its field (WCAG 3.3.1, 4.1.2)."""

import lxml.html
import pytest
from django.urls import reverse

from tests.applications.test_application_pages import form_data

pytestmark = pytest.mark.django_db


def failed_form(owner_client, draft):
    honours = [("", "provincial", "河北省著名商标", "2019", "河北省工商局")]  # the row's 荣誉类型 left empty
    response = owner_client.post(reverse("applications:form", args=[draft.pk]), form_data(draft, honours=honours))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_form_with_row_error_describes_field_by_existing_error_id(owner_client, draft):
    page = failed_form(owner_client, draft)
    field = page.get_element_by_id("id_honours-0-kind")
    assert field.get("aria-invalid") == "true"
    error = page.get_element_by_id(field.get("aria-describedby"))
    assert "必" in error.text_content()  # Django's "required" message, in Chinese
    described = [el.get("aria-describedby") for el in page.xpath("//*[@aria-describedby]")]
    missing = [ref for refs in described for ref in refs.split() if not page.xpath(f'//*[@id="{ref}"]')]
    assert missing == []


def test_form_rows_name_every_field_for_screen_readers(owner_client, draft):
    page = lxml.html.fromstring(owner_client.get(reverse("applications:form", args=[draft.pk])).content.decode())
    row_fields = page.xpath('//table[@data-formset]//*[self::input[@type!="hidden" and @type!="checkbox"] or self::select]')
    assert row_fields
    assert [field.get("name") for field in row_fields if not field.get("aria-label")] == []
    assert page.get_element_by_id("id_honours-0-year").get("aria-label") == "获得年份"


def test_form_with_errors_titles_page_and_links_each_error_to_its_field(owner_client, draft):
    page = failed_form(owner_client, draft)
    assert page.findtext(".//title").startswith("错误：推荐审核表")
    summary = page.find_class("error-summary")[0]
    assert summary.get("tabindex") == "-1"
    links = {a.get("href"): a.text_content() for a in summary.iter("a")}
    required = page.get_element_by_id("id_honours-0-kind_error").text_content()
    assert links == {"#id_honours-0-kind": f"荣誉类型（第1行）：{required}"}


def test_form_without_errors_has_plain_title_and_no_summary(owner_client, draft):
    page = lxml.html.fromstring(owner_client.get(reverse("applications:form", args=[draft.pk])).content.decode())
    assert page.findtext(".//title").startswith("推荐审核表")
    assert page.find_class("error-summary") == []
