"""The penetration test's small findings: control characters in URLs, pages kept by a shared computer's
browser, common passwords in disguise, the published demo password."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from portal.accounts.validators import DEMO_PASSWORD
from tests.factories import PASSWORD, county_official, enterprise_user, province_official

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/verify/%00", "/verify/abc%00def", "/verify/document/%00", "/verify/%01x",
                                  "/verify/x%7F", "/enterprise/%00/"])
def test_control_characters_in_the_path_answer_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "404" in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "q=abc%00", "page=%0b", "q=%7f", "%00=1"])
def test_control_characters_in_the_query_answer_400(client, query):
    assert client.get(f"/public/awarded/?{query}").status_code == 400
    client.force_login(province_official())
    assert client.get(f"/review/province/applications/?{query}").status_code == 400


def test_ordinary_query_still_works(client):
    assert client.get("/public/awarded/?q=%E5%AE%89%E5%B9%B3+%E4%B8%9D%E7%BD%91&page=1").status_code == 200


@pytest.mark.parametrize(("make_user", "path"), [(enterprise_user, "/enterprise/"),
                                                 (county_official, "/review/county/queue/")])
def test_signed_in_pages_are_not_stored_by_the_browser(client, make_user, path):
    client.force_login(make_user())
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_may_be_cached(client):
    response = client.get("/public/awarded/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("password", ["Passw0rd!", "Aa123456!", "P@ssw0rd1", "Woaini1314!", "Zhangwei1985#",
                                      "Qq123456.", "1qaz@WSX", "Admin@123", "Abc@123456"])
def test_common_passwords_in_disguise_are_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "这个密码太常见了" in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", [PASSWORD, "Qq7#Bx9!Lm", "Hb#Sw2024-net", "Anping#Mesh26"])
def test_uncommon_passwords_pass(password):
    validate_password(password)


@pytest.mark.parametrize("password", [DEMO_PASSWORD, DEMO_PASSWORD.upper(), DEMO_PASSWORD + "!"])
def test_the_published_demo_password_is_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "演示账号公开使用的密码" in " ".join(refused.value.messages)


def test_common_password_is_refused_on_the_password_page(client):
    user = enterprise_user()
    client.force_login(user)
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Aa123456!",
                                                   "new_password2": "Aa123456!"})
    assert "这个密码太常见了" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
