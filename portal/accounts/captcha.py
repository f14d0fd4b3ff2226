"""The 图形验证码 every public form uses (registration, password reset, login after failures, objections)."""

from captcha.fields import CaptchaField, CaptchaTextInput

CAPTCHA_MESSAGES = {
    "invalid": "图形验证码不正确，请重新输入（看不清可点击图片换一张）。",
    "required": "请输入图形验证码。",
}


def captcha_field() -> CaptchaField:
    """A required 图形验证码 field with Chinese label and messages."""
    return CaptchaField(
        label="图形验证码",
        error_messages=CAPTCHA_MESSAGES,
        widget=CaptchaTextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "aria-label": "图形验证码"}),
        help_text="请输入图片中的4个字符，不区分大小写。",
    )
