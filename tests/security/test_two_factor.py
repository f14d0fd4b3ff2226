"""Second factor (TOTP, django-otp) for officials and administrators, with one-time recovery codes."""

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit.models import AuditEvent, Event
from tests.factories import (
    PASSWORD,
    auditor,
    city_official,
    county_official,
    enterprise_user,
    province_official,
    sysadmin,
)
from tests.security.conftest import current_code, give_device, verified_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforce_2fa")]

SECOND_FACTOR_USERS = [county_official, city_official, province_official, sysadmin, auditor]


def password_login(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/accounts/login/", data)
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("make_user", SECOND_FACTOR_USERS)
def test_official_without_a_device_is_sent_to_enrolment_before_anything_else(client, make_user):
    user = make_user()
    response = password_login(client, user)
    landing = client.get(response.url)
    assert landing.status_code == 302
    assert landing.url.startswith("/accounts/two-factor/enrol/?next=")
    for path in ("/", "/review/county/", "/audit/", "/admin/", "/accounts/workbench/", "/accounts/password/"):
        assert client.get(path).url.startswith("/accounts/two-factor/enrol/"), path
    page = client.get(landing.url).content.decode()
    assert "绑定手机验证器" in page and 'src="data:image/svg+xml' in page


def test_static_files_and_logout_stay_reachable_before_the_second_factor(client):
    password_login(client, county_official())
    assert client.get("/static/css/portal.css").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_with_a_valid_code_shows_ten_recovery_codes_once(client):
    user = county_official()
    password_login(client, user, next_url="/review/county/")
    enrol_page = client.get("/accounts/two-factor/enrol/?next=/review/county/")
    assert enrol_page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/accounts/two-factor/enrol/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "动态验证码不正确" in wrong.content.decode()
    assert AuditEvent.objects.filter(event=Event.OTP_ENROL, user=user, success=False).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post("/accounts/two-factor/enrol/", {"token": current_code(device), "next": "/review/county/"})
    assert response.status_code == 200
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    page = response.content.decode()
    assert all(code in page for code in codes)
    assert "只显示这一次" in page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/review/county/").status_code == 200
    # The enrolment page never shows the codes again, nor a new secret.
    again = client.get("/accounts/two-factor/enrol/", follow=True)
    assert not any(code in again.content.decode() for code in codes)
    assert AuditEvent.objects.filter(event=Event.OTP_ENROL, user=user, success=True).exists()


def test_a_user_with_a_device_must_verify_and_cannot_enrol_another(client):
    user = city_official()
    device = give_device(user)
    response = password_login(client, user)
    assert client.get(response.url).url.startswith("/accounts/two-factor/?next=")
    # A stolen password alone cannot replace the device.
    enrol = client.get("/accounts/two-factor/enrol/")
    assert enrol.status_code == 302 and enrol.url.startswith("/accounts/two-factor/?")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    bad = client.post("/accounts/two-factor/", {"token": "12345"})
    assert "验证码不正确" in bad.content.decode()
    assert client.get("/review/city/").status_code == 302
    # Each wrong code makes the next try wait (1 s, 2 s, 4 s …): right away even the right code is refused.
    assert "错误次数过多" in client.post("/accounts/two-factor/", {"token": current_code(device)}).content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=10)
    )
    ok = client.post("/accounts/two-factor/", {"token": current_code(device), "next": "/review/city/"})
    assert ok.status_code == 302 and ok.url == "/review/city/"
    assert client.get("/review/city/").status_code == 200
    assert AuditEvent.objects.filter(event=Event.LOGIN_FAILED, user=user, detail__contains="第二因素").exists()


def test_a_code_cannot_be_replayed(client):
    from django.test import Client

    user = county_official()
    device = give_device(user)
    code = current_code(device)
    password_login(client, user)
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    other = Client()
    password_login(other, user)
    assert "验证码不正确" in other.post("/accounts/two-factor/", {"token": code}).content.decode()


def test_recovery_code_works_once(client):
    from django.test import Client

    user = province_official()
    client_a = client
    password_login(client_a, user)
    client_a.get("/accounts/two-factor/enrol/")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    client_a.post("/accounts/two-factor/enrol/", {"token": current_code(device)})
    code = StaticToken.objects.filter(device__user=user).first().token

    client_b = Client()
    password_login(client_b, user)
    response = client_b.post("/accounts/two-factor/", {"token": code.upper()}, follow=True)
    assert response.status_code == 200
    assert "还剩 9 个" in response.content.decode()
    assert client_b.get("/review/province/").status_code == 200

    client_c = Client()
    password_login(client_c, user)
    assert "验证码不正确" in client_c.post("/accounts/two-factor/", {"token": code}).content.decode()
    assert client_c.get("/review/province/").status_code == 302


def test_enterprise_users_have_no_second_factor(client):
    user = enterprise_user()
    password_login(client, user)
    assert client.get("/enterprise/").status_code == 200
    assert client.get("/accounts/two-factor/enrol/").status_code == 302


def test_demo_accounts_skip_the_second_factor_only_with_the_flag(client, settings):
    demo = county_official(is_demo=True)
    settings.DEMO_ACCOUNTS_SKIP_2FA = False
    password_login(client, demo)
    assert client.get("/review/county/").url.startswith("/accounts/two-factor/enrol/")
    settings.DEMO_ACCOUNTS_SKIP_2FA = True
    assert client.get("/review/county/").status_code == 200
    # The flag exempts demo accounts only.
    real = county_official()
    from django.test import Client

    other = Client()
    password_login(other, real)
    assert other.get("/review/county/").url.startswith("/accounts/two-factor/enrol/")


def test_settings_modules_keep_demo_exemption_off_outside_development():
    import importlib

    for name in ("portal.settings.base", "portal.settings.test"):
        assert importlib.import_module(name).DEMO_ACCOUNTS_SKIP_2FA is False


def test_verified_session_survives_a_password_change(client):
    user = county_official()
    verified_login(client, user)
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Qq7#Bx9!Lm", "new_password2": "Qq7#Bx9!Lm"},
    )
    assert client.get("/review/county/").status_code == 200
