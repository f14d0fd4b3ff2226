"""Password rules (等保 8.1.4.1): complexity, not common, not like the username; every setter validates;
officials and administrators rotate every 90 days."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent, Event
from tests.factories import PASSWORD, county_official, enterprise_user, sysadmin

pytestmark = pytest.mark.django_db

GOOD = "Qq7#Bx9!Lm"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab#1xy", "密码太短：至少需要 8 个字符。"),
        ("abcdefgh", "密码须至少包含大写字母、小写字母、数字、特殊字符中的三类。"),
        ("Password1!", "这个密码太常见了。"),
        ("73915284", "密码不能全是数字。"),
        ("Zhangwei#2024", "密码与用户名过于相似。"),
    ],
)
def test_password_change_refuses_each_rule_with_its_chinese_message(client, password, message):
    user = enterprise_user(username="zhangwei")
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_works_records_the_time_and_keeps_the_session(client):
    user = county_official()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=30))
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD, "next": "/review/county/"},
    )
    assert response.status_code == 302
    assert response.url == "/review/county/"
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert timezone.now() - user.password_changed_at < dt.timedelta(seconds=5)
    assert client.get("/review/county/").status_code == 200
    assert AuditEvent.objects.filter(event=Event.PASSWORD_CHANGE, user=user).exists()


def test_password_change_refuses_wrong_old_password_and_same_password(client):
    user = enterprise_user()
    client.force_login(user)
    wrong = client.post("/accounts/password/", {"old_password": "nope", "new_password1": GOOD, "new_password2": GOOD})
    assert "原密码不正确" in wrong.content.decode()
    same = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert "新密码不能与原密码相同" in same.content.decode()


def test_password_change_page_is_in_chinese_and_needs_login(client):
    assert client.get("/accounts/password/").status_code == 302
    client.force_login(enterprise_user())
    page = client.get("/accounts/password/").content.decode()
    assert "修改密码" in page and "旧密码" in page


def test_create_official_command_refuses_a_weak_password():
    with pytest.raises(CommandError, match="这个密码太常见了"):
        call_command("create_official", "xian1", role=Role.COUNTY, unit="131125", password="Password1!")
    call_command("create_official", "xian2", role=Role.COUNTY, unit="131125", password=GOOD)
    assert User.objects.get(username="xian2").check_password(GOOD)


def test_admin_add_user_refuses_a_weak_password(client):
    client.force_login(sysadmin())
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "newcounty", "full_name": "新审核员", "role": Role.COUNTY, "unit": "131125",
         "password1": "abcdefgh", "password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "密码须至少包含" in response.content.decode()
    assert not User.objects.filter(username="newcounty").exists()


def test_admin_set_password_validates_and_restarts_the_rotation_clock(client):
    official = county_official()
    User.objects.filter(pk=official.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=100))
    client.force_login(sysadmin())
    url = f"/admin/accounts/user/{official.pk}/password/"
    weak = client.post(url, {"password1": "12345678", "password2": "12345678", "usable_password": "true"})
    assert "密码不能全是数字" in weak.content.decode()
    client.post(url, {"password1": GOOD, "password2": GOOD, "usable_password": "true"})
    official.refresh_from_db()
    assert official.check_password(GOOD)
    assert timezone.now() - official.password_changed_at < dt.timedelta(seconds=5)


def test_hash_upgrade_is_not_a_password_change(settings):
    user = enterprise_user()
    old = timezone.now() - dt.timedelta(days=40)
    User.objects.filter(pk=user.pk).update(password_changed_at=old)
    user.refresh_from_db()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    assert user.check_password(PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert user.password_changed_at == old


@pytest.mark.parametrize("days", [91, 400])
def test_official_with_an_old_password_is_sent_to_change_it(client, days):
    official = county_official()
    User.objects.filter(pk=official.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))
    client.force_login(official)
    response = client.get("/review/county/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/password/?next=")
    page = client.get(response.url).content.decode()
    assert "超过90天" in page
    client.post(response.url, {"old_password": PASSWORD, "new_password1": GOOD, "new_password2": GOOD})
    assert client.get("/review/county/").status_code == 200


@pytest.mark.parametrize("role_user", [sysadmin])
def test_administrators_rotate_too(client, role_user):
    admin_user = role_user()
    User.objects.filter(pk=admin_user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(admin_user)
    assert client.get("/accounts/workbench/").url.startswith("/accounts/password/")


def test_enterprise_user_is_not_forced_to_rotate(client):
    user = enterprise_user()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=400))
    client.force_login(user)
    assert client.get("/enterprise/").status_code == 200


def test_official_at_89_days_is_not_forced(client):
    official = county_official()
    User.objects.filter(pk=official.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    client.force_login(official)
    assert client.get("/review/county/").status_code == 200


def test_password_page_states_the_rotation_rule_only_to_those_it_applies_to(client):
    client.force_login(county_official())
    assert "每90天须更换一次" in client.get("/accounts/password/").content.decode()
    client.force_login(enterprise_user())
    assert "每90天须更换一次" not in client.get("/accounts/password/").content.decode()
