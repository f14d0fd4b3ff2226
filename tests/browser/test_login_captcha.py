"""After three failed logins from one address the login form shows a 图形验证码 a person can read and answer;
a session that expired while typing keeps the text for the owner only."""

import pytest

from tests.factories import ApplicationFactory, CampaignFactory, enterprise_user

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page, username, password, captcha=None):
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    if captcha is not None:
        page.fill("#id_captcha_1", captcha)
    page.click("form button[type=submit]:has-text('登录')")


def test_captcha_appears_after_three_failures_and_lets_the_right_person_in(page, live_server, screenshot):
    enterprise_user(username="ent-browser")
    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("#id_captcha_1").count() == 0
    for _ in range(3):
        submit(page, "ent-browser", "wrong-Password#1")
    assert page.locator("#id_captcha_1").is_visible()
    image = page.locator("img.captcha")
    # The picture really loads (waited for: it is fetched after the page that shows it).
    loaded = image.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.addEventListener('load', () => done(img.naturalWidth)); img.addEventListener('error', () => done(0)); })"
    )
    assert loaded > 0
    screenshot(page, "login-captcha")
    submit(page, "ent-browser", "Test#2024pass", captcha="PASSED")
    page.locator("#nav-notifications").wait_for()


def test_expired_session_keeps_the_owners_text(page, live_server, screenshot):
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    application = ApplicationFactory(campaign=CampaignFactory())
    owner = enterprise_user(application.enterprise, username="ent-typing")
    page.goto(live_server.url + "/accounts/login/")
    submit(page, owner.username, "Test#2024pass")
    page.locator("#nav-notifications").wait_for()
    page.goto(live_server.url + f"/enterprise/applications/{application.pk}/report/")
    page.fill("#id_report_basic", "会话过期前写好的企业基本情况")
    Session.objects.all().delete()  # 30 minutes pass
    cache.clear()  # the sessions' cached copies expire with them
    page.click("button:has-text('保存草稿')")
    page.fill("#id_username", owner.username)
    page.fill("#id_password", "Test#2024pass")
    page.click("form button[type=submit]:has-text('登录')")
    page.locator("#id_report_basic").wait_for()
    assert page.input_value("#id_report_basic") == "会话过期前写好的企业基本情况"
    screenshot(page, "stash-restored")
