"""找回密码 end to end with Django's mail outbox: single use, time-limited, no user enumeration, rate-limited, audited."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.audit.models import AuditEvent, Event
from tests.factories import PASSWORD, county_official, enterprise_user

pytestmark = pytest.mark.django_db
URL = reverse("accounts:password_reset")
NEW_PASSWORD = "Wire#mesh2026"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member():
    return enterprise_user(email="zhaoli@example.cn")


def ask(client, email, **extra):
    return client.post(URL, {"email": email, "captcha_0": "any", "captcha_1": "PASSED", **extra}, follow=True)


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_reset_by_mailed_link_end_to_end(client, member):
    response = ask(client, "ZhaoLi@Example.cn")
    assert "请查收邮件" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhaoli@example.cn"]
    assert "重设密码" in mail.outbox[0].subject and "1 小时内" in mail.outbox[0].body
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "密码已重设" in done.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(event=Event.PASSWORD_RESET, user=member, detail="通过邮件链接重设密码").exists()
    # single use: the same link no longer works
    again = client.get(link, follow=True)
    assert "链接已失效" in again.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(client, member):
    known = ask(client, "zhaoli@example.cn")
    unknown = ask(client, "nobody@example.cn")
    assert [url for url, _ in known.redirect_chain] == [url for url, _ in unknown.redirect_chain]
    assert known.status_code == unknown.status_code == 200
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(known.content.decode()) == strip(unknown.content.decode())
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(event=Event.PASSWORD_RESET, detail__contains="n***@example.cn（无对应企业账号").exists()


def test_officials_are_not_reset_by_mail(client):
    county_official(email="county@smehb.gov.cn")
    response = ask(client, "county@smehb.gov.cn")
    assert "请查收邮件" in response.content.decode()
    assert mail.outbox == []


def test_reset_mails_are_limited_per_email_address(client, member):
    for _ in range(5):
        response = ask(client, "zhaoli@example.cn")
        assert "请查收邮件" in response.content.decode()  # the answer never changes
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(event=Event.PASSWORD_RESET, success=False, detail__contains="超过频率限制").count() == 2


def test_login_page_links_to_the_reset(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'<a href="{URL}">忘记密码？</a>' in page


def test_reset_needs_the_captcha(client, member):
    response = client.post(URL, {"email": "zhaoli@example.cn", "captcha_0": "any", "captcha_1": ""})
    assert response.status_code == 200
    assert "请输入图形验证码" in response.content.decode()
    assert mail.outbox == []


def test_expired_link_is_refused(client, member, settings):
    ask(client, "zhaoli@example.cn")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is older than that
    page = client.get(link_in(mail.outbox[0]), follow=True)
    assert "链接已失效" in page.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_new_password_follows_the_password_rules(client, member):
    ask(client, "zhaoli@example.cn")
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    weak = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    assert "密码不能全是数字。" in weak.content.decode()
