import pytest
from django.urls import reverse

from portal.accounts.models import Role
from tests.factories import (
    PASSWORD,
    UserFactory,
    enterprise_user,
    user_of_role,
)

pytestmark = pytest.mark.django_db

HOMES = {
    Role.ENTERPRISE: "/enterprise/",
    Role.COUNTY: "/review/county/",
    Role.CITY: "/review/city/",
    Role.PROVINCE: "/review/province/",
    Role.SYSADMIN: "/accounts/workbench/",
    Role.AUDITOR: "/audit/",
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home_in_chinese(client, role):
    user = user_of_role(role)
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == HOMES[role]
    assert response.status_code == 200
    assert "河北省产业集群龙头企业认定系统" in response.content.decode()


@pytest.mark.parametrize("role", list(HOMES))
def test_a_role_cannot_open_another_roles_home(client, role):
    client.force_login(user_of_role(role))
    for other, url in HOMES.items():
        if other != role:
            assert client.get(url).status_code == 403, (role, url)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/review/county/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_and_logout(client):
    user = enterprise_user(username="ent-login")
    page = client.get(reverse("accounts:login"))
    assert "用户登录" in page.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "ent-login", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/enterprise/").status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    assert client.get("/enterprise/").status_code == 302


def test_wrong_password_gives_a_chinese_message(client):
    enterprise_user(username="ent-wrong")
    response = client.post(reverse("accounts:login"), {"username": "ent-wrong", "password": "nope"})
    assert "用户名或密码错误" in response.content.decode()


def test_official_must_belong_to_a_unit_of_the_right_level():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        UserFactory.build(role=Role.COUNTY, unit_id="131100").full_clean()
    with pytest.raises(ValidationError):
        UserFactory.build(role=Role.CITY, unit_id="131125").full_clean()
    UserFactory.build(role=Role.CITY, unit_id="130682", username="dz").full_clean(exclude=["password"])
    UserFactory.build(role=Role.COUNTY, unit_id="130682", username="dz2").full_clean(exclude=["password"])
