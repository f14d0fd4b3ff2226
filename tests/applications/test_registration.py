import json
from pathlib import Path

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from applications.models import Enterprise
from portal.accounts.models import Role, User
from tests.factories import CampaignFactory, ClusterFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

VECTORS = json.loads((Path(__file__).parents[2] / "fixtures" / "uscc_test_vectors.json").read_text())
URL = reverse("applications:register")


@pytest.fixture
def cluster():
    CampaignFactory()
    return ClusterFactory()


def registration(home_cluster, **overrides):
    data = {
        "name": "安平县新星丝网有限公司",
        "credit_code": "91131125MA0CX7R254",
        "county": home_cluster.county_id,
        "cluster": home_cluster.pk,
        "legal_representative": "王强",
        "contact_name": "赵丽",
        "contact_phone": "13812345678",
        "email": "zhaoli@example.cn",
        "address": "河北省衡水市安平县工业园区8号",
        "username": "xinxing",
        "password1": "Wire#mesh2024",
        "password2": "Wire#mesh2024",
        "captcha_0": "any",
        "captcha_1": "PASSED",  # CAPTCHA_TEST_MODE
    }
    data.update(overrides)
    return data


def errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    "code", [v["code"] for v in VECTORS["valid_synthetic"]] + VECTORS["valid_public_reference"]
)
def test_registration_accepts_valid_credit_codes_whatever_their_division(client, cluster, code):
    # 91130534… (清河县) and 91110000… (北京) register in 安平县: positions 3-8 are not compared.
    response = client.post(URL, registration(cluster, credit_code=code))
    assert response.status_code == 302, errors(response, "credit_code")
    assert Enterprise.objects.get().credit_code == code


@pytest.mark.parametrize("vector", VECTORS["invalid"], ids=lambda v: v["why"])
def test_registration_refuses_invalid_credit_codes_saying_what_is_wrong(client, cluster, vector):
    response = client.post(URL, registration(cluster, credit_code=vector["code"]))
    if vector["code"].islower() or vector["code"] != vector["code"].upper():
        # lower case is normalised (upper-cased) first and is then valid
        assert response.status_code == 302
        assert Enterprise.objects.get().credit_code == vector["code"].upper()
        return
    assert response.status_code == 200
    message = " ".join(errors(response, "credit_code"))
    reason = vector["validate"][1]
    if reason.startswith("checksum"):
        assert f"第18位应为 {reason.split('expected ')[1].rstrip(')')}" in message
    elif reason == "length":
        assert "应为18位" in message and "16位" in message
    else:
        assert "不允许的字符" in message
    assert not Enterprise.objects.exists()
    assert vector["code"] in response.content.decode()  # what the user typed is still in the form


def test_registration_normalises_spaces_and_case(client, cluster):
    response = client.post(URL, registration(cluster, credit_code="  91131125ma0cx7r254 "))
    assert response.status_code == 302
    assert Enterprise.objects.get().credit_code == "91131125MA0CX7R254"


def test_registration_creates_enterprise_and_account_and_logs_in(client, cluster):
    response = client.post(URL, registration(cluster), follow=True)
    user = User.objects.get(username="xinxing")
    assert user.role == Role.ENTERPRISE
    assert user.enterprise.name == "安平县新星丝网有限公司"
    assert user.enterprise.cluster == cluster
    assert user.check_password("Wire#mesh2024")
    assert response.redirect_chain[-1][0] == reverse("applications:home")
    assert "注册成功" in response.content.decode()


def test_second_registration_with_same_code_is_refused_with_county_office_message(client, cluster):
    EnterpriseFactory(credit_code="91131125MA0CX7R254", cluster=cluster)
    response = client.post(URL, registration(cluster, credit_code="91131125ma0cx7r254", username="other"))
    assert response.status_code == 200
    message = " ".join(errors(response, "credit_code"))
    assert "已有企业注册" in message
    assert "请联系安平县中小企业主管部门" in message
    assert Enterprise.objects.count() == 1
    assert not User.objects.filter(username="other").exists()


def test_cluster_must_belong_to_the_chosen_county(client, cluster):
    other = ClusterFactory(name="清河县羊绒及制品产业集群", county_id="130534", industry="羊绒")
    response = client.post(URL, registration(cluster, cluster=other.pk))
    assert response.status_code == 200
    assert "不在安平县" in " ".join(errors(response, "cluster"))
    assert not Enterprise.objects.exists()


def test_only_clusters_of_the_open_campaign_are_offered(client, cluster):
    ClusterFactory(name="新确认的集群", county_id="131125", industry="丝网", confirmed_year=2030)
    page = client.get(URL).content.decode()
    assert "安平县丝网产业集群" in page
    assert f'data-county="{cluster.county_id}"' in page
    assert "新确认的集群" not in page


@pytest.mark.parametrize("phone", ["13812345678", "0318-7521234", "03187521234", "0318-7521234-801", "+8613812345678"])
def test_phone_accepts_mobile_and_landline(client, cluster, phone):
    assert client.post(URL, registration(cluster, contact_phone=phone)).status_code == 302


@pytest.mark.parametrize("phone", ["12345", "2345678901", "138123456789"])
def test_phone_refuses_other_numbers(client, cluster, phone):
    response = client.post(URL, registration(cluster, contact_phone=phone))
    assert "手机号码" in " ".join(errors(response, "contact_phone"))


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("Ab#1", "太短"), ("alllowercase", "三类"), ("Xinxing#2024", "相似"), ("Password1!", "常见")],
)
def test_password_goes_through_the_validators(client, cluster, password, fragment):
    response = client.post(URL, registration(cluster, password1=password, password2=password))
    assert response.status_code == 200
    assert fragment in " ".join(errors(response, "password1"))
    assert not User.objects.filter(username="xinxing").exists()


def test_passwords_must_match(client, cluster):
    response = client.post(URL, registration(cluster, password2="Different#2024"))
    assert "不一致" in " ".join(errors(response, "password2"))


def test_username_taken_is_refused(client, cluster):
    client.post(URL, registration(cluster))
    client.logout()
    response = client.post(URL, registration(cluster, credit_code="91130534MA07LK3D89", username="XINXING"))
    assert "已被使用" in " ".join(errors(response, "username"))


@pytest.mark.parametrize(("answer", "message"), [("ZZZZ", "图形验证码不正确"), ("", "请输入图形验证码")])
def test_registration_is_refused_without_the_right_captcha(client, cluster, settings, answer, message):
    settings.CAPTCHA_TEST_MODE = False
    key = CaptchaStore.generate_key()
    response = client.post(URL, registration(cluster, captcha_0=key, captcha_1=answer))
    assert response.status_code == 200
    assert message in " ".join(errors(response, "captcha"))
    assert not Enterprise.objects.exists() and not User.objects.filter(username="xinxing").exists()
    # the same form with the picture's answer registers
    key = CaptchaStore.generate_key()
    answered = client.post(URL, registration(cluster, captcha_0=key, captcha_1=CaptchaStore.objects.get(hashkey=key).response))
    assert answered.status_code == 302 and Enterprise.objects.get().name == "安平县新星丝网有限公司"


def test_login_page_links_to_registration(client):
    assert URL in client.get(reverse("accounts:login")).content.decode()


def test_messages_stay_chinese_for_an_english_browser(client, cluster):
    response = client.post(URL, {}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "这个字段是必填项。" in " ".join(errors(response, "name"))
