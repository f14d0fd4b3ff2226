import pytest
from captcha.models import CaptchaStore
from django import forms

from portal.accounts.captcha import captcha_field


class CaptchaForm(forms.Form):
    captcha = captcha_field()


@pytest.mark.django_db
def test_captcha_image_is_served_as_png(client):
    key = CaptchaStore.generate_key()
    response = client.get(f"/captcha/image/{key}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


@pytest.mark.django_db
def test_captcha_wrong_answer_has_chinese_message(settings):
    settings.CAPTCHA_TEST_MODE = False
    key = CaptchaStore.generate_key()
    form = CaptchaForm(data={"captcha_0": key, "captcha_1": "ZZZZ-not-it"})
    assert not form.is_valid()
    assert "图形验证码不正确" in form.errors["captcha"][0]
