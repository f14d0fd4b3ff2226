import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_renders_in_chinese(page, screenshot):
    page.goto(page.base_url + "/accounts/login/")
    assert page.locator("h1").inner_text() == "用户登录"
    screenshot(page, "00-login")
