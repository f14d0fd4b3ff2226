"""Pages every visitor sees: the login error is announced, the navigation says where one is (WCAG 2.4, 3.3, 4.1)."""

import lxml.html
import pytest
from django.urls import reverse

from tests.factories import county_official

pytestmark = pytest.mark.django_db


def test_login_failure_alerts_titles_page_and_marks_both_fields_invalid(client):
    county_official(username="anping")
    response = client.post(reverse("accounts:login"), {"username": "anping", "password": "wrong-password"})
    page = lxml.html.fromstring(response.content.decode())
    assert page.findtext(".//title").startswith("错误：登录")
    alert = page.xpath('//main//*[@role="alert"]')[0]
    assert "用户名或密码错误" in alert.text_content()
    assert alert.get("tabindex") == "-1"
    assert [page.get_element_by_id(f"id_{name}").get("aria-invalid") for name in ("username", "password")] == ["true"] * 2


def test_login_page_offers_skip_link_and_menu_toggle_state(client):
    page = lxml.html.fromstring(client.get(reverse("accounts:login")).content.decode())
    skip = page.xpath('//body/a[1]')[0]
    assert (skip.text_content(), skip.get("href")) == ("跳到主要内容", "#main")
    assert page.xpath("//main")[0].get("id") == "main"
    toggle = page.find_class("navbar-toggler")[0]
    assert (toggle.get("aria-controls"), toggle.get("aria-expanded")) == ("mainnav", "false")
    assert page.findtext(".//title").startswith("登录")


def test_navigation_marks_the_current_page(client):
    client.force_login(county_official())
    page = lxml.html.fromstring(client.get(reverse("review:county_queue")).content.decode())
    current = page.xpath('//*[@id="mainnav"]//a[@aria-current="page"]')
    assert [a.text_content() for a in current] == ["初审队列"]


@pytest.mark.parametrize(("url", "label"), [("guide", "办事指南"), ("applications:register", "企业注册"), ("accounts:login", "登录")])
def test_signed_out_header_marks_the_current_page(client, url, label):
    page = lxml.html.fromstring(client.get(reverse(url)).content.decode())
    current = page.xpath('//nav//a[@aria-current="page"]')
    assert [a.text_content() for a in current] == [label]
    assert page.xpath('//nav//a[text()="办事指南"]')[0].get("href") == reverse("guide")
