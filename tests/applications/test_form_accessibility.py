"""Forms sent back with errors (the 推荐审核表, registration): every error is named, linked and tied to its field, in
one summary (WCAG 3.3.1, 4.1.2)."""

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
    assert links == {"#id_honours-0-kind": f"荣誉第1行「荣誉类型」：{required}"}


def test_form_without_errors_has_plain_title_and_no_summary(owner_client, draft):
    page = lxml.html.fromstring(owner_client.get(reverse("applications:form", args=[draft.pk])).content.decode())
    assert page.findtext(".//title").startswith("推荐审核表")
    assert page.find_class("error-summary") == []


def error_summaries(page):
    """The boxes that list the page's errors: the error summary, and any other alert linking to a field."""
    alerts = page.xpath('//*[@role="alert"][.//a[starts-with(@href, "#")]]')
    return page.find_class("error-summary"), alerts


def test_form_with_row_error_lists_its_errors_once(owner_client, draft):
    summaries, alerts = error_summaries(failed_form(owner_client, draft))
    assert len(summaries) == 1 and alerts == summaries
    assert [a.get("href") for a in summaries[0].iter("a")] == ["#id_honours-0-kind"]


def test_registration_with_errors_lists_them_once_each_linking_to_its_field(client):
    response = client.post(reverse("applications:register"), {"name": "某企业", "captcha_0": "x", "captcha_1": ""})
    page = lxml.html.fromstring(response.content.decode())
    summaries, alerts = error_summaries(page)
    assert len(summaries) == 1 and alerts == summaries
    hrefs = [a.get("href") for a in summaries[0].iter("a")]
    assert len(hrefs) == len(set(hrefs)) > 5
    assert [href for href in hrefs if not page.xpath(f'//*[@id="{href[1:]}"]')] == []  # the captcha's box included
    assert "#id_captcha_1" in hrefs and "#id_name" not in hrefs
