"""Separation of duties (等保 8.1.4.2): the 系统管理员 manages accounts and reference data but takes no
workflow action and reads no enterprise data; the 审计管理员 only reads the audit log."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from applications.models import Application
from applications.selectors import applications_visible_to
from review.services import TransitionRefused, perform_transition
from tests.factories import auditor, eligible_application, sysadmin

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    application = eligible_application()
    perform_transition(application_id=application.pk, action="submit", actor=application.enterprise.users.first())
    return application


def business_pages(application):
    material = application.materials.first()
    return [
        reverse("applications:home"),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:materials", args=[application.pk]),
        reverse("applications:material_download", args=[material.pk]),
        reverse("review:county_home"),
        reverse("review:city_home"),
        reverse("review:province_home"),
        reverse("review:province_list"),
        reverse("review:application_detail", args=[application.pk]),
        reverse("review:verification", args=[application.pk]),
    ]


@pytest.mark.parametrize("make_user", [sysadmin, auditor])
def test_administrators_cannot_open_workflow_or_material_pages(client, submitted, make_user):
    client.force_login(make_user())
    for url in business_pages(submitted):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(reverse("review:transition", args=[submitted.pk]), {"action": "county_pass"})
    assert response.status_code in (403, 404)
    submitted.refresh_from_db()
    assert submitted.state == "county_review"


@pytest.mark.parametrize("make_user", [sysadmin, auditor])
def test_administrators_see_no_application_and_cannot_take_any_action(submitted, make_user):
    user = make_user()
    assert not applications_visible_to(user).exists()
    for action in ("county_pass", "city_forward", "award", "submit"):
        with pytest.raises((Application.DoesNotExist, TransitionRefused)):
            perform_transition(application_id=submitted.pk, action=action, actor=user)
    submitted.refresh_from_db()
    assert submitted.state == "county_review"


def test_the_admin_registers_no_application_material_or_review_model():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert "applications" not in registered
    assert "review" not in registered
    assert "audit" not in registered
    for model in apps.get_app_config("applications").get_models():
        assert not admin.site.is_registered(model), model


def test_sysadmin_cannot_read_or_create_second_factor_secrets(client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin_user = sysadmin()
    other = auditor()
    device = TOTPDevice.objects.create(user=other, name="手机验证器", confirmed=True)
    client.force_login(admin_user)
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (302, 404)
    # Resetting (deleting) a lost device is allowed, and recorded.
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_auditor_cannot_reach_the_admin(client):
    client.force_login(auditor())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/accounts/user/", follow=True).status_code == 403


def test_admin_login_goes_through_the_portal_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert "用户登录" in response.content.decode()


def test_auditor_only_reaches_the_audit_log(client):
    client.force_login(auditor())
    assert client.get("/audit/").status_code == 200
    assert client.get(reverse("accounts:sysadmin_home")).status_code == 403
