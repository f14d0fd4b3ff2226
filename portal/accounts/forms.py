from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from portal.accounts.captcha import captcha_field


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续5次错误将锁定15分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, request=None, *args, captcha=False, **kwargs):
        super().__init__(request, *args, **kwargs)
        if captcha:
            self.ask_captcha()

    def ask_captcha(self) -> None:
        self.fields["captcha"] = captcha_field()

    def clean(self):
        if "captcha" in self.fields and "captcha" not in self.cleaned_data:
            return self.cleaned_data  # no password is tried without the 图形验证码
        return super().clean()

    def get_invalid_login_error(self):
        # The error is the pair's, not one field's: both are marked invalid for screen readers.
        for name in ("username", "password"):
            self.fields[name].widget.attrs["aria-invalid"] = "true"
        self.fields["username"].widget.attrs.pop("autofocus", None)  # the focus goes to the error (portal.js)
        return super().get_invalid_login_error()


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, new password twice, AUTH_PASSWORD_VALIDATORS) plus one rule:
    the new password must differ from the old one."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
        "password_unchanged": "新密码不能与原密码相同。",
    }

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        if new and self.user.check_password(new):
            raise forms.ValidationError(self.error_messages["password_unchanged"], code="password_unchanged")
        return new

    def save(self, commit=True):
        self.user.must_change_password = False  # a password of the user's own choosing
        return super().save(commit=commit)


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label="动态验证码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="打开手机上的验证器应用，输入当前显示的6位数字。",
    )


class OTPVerifyForm(forms.Form):
    token = forms.CharField(
        label="动态验证码或恢复码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text="输入验证器应用中的6位数字；手机不在身边时，可输入一个恢复码（每个只能用一次）。",
    )


class PortalPasswordResetForm(PasswordResetForm):
    """找回密码: an e-mail address and the 图形验证码. Only enterprise accounts are reset this way (officials and
    administrators are reset by the 系统管理员); whether the address is known is never revealed."""

    email = forms.EmailField(
        label="注册时填写的电子邮箱", max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "请填写正确的电子邮箱，如 zhangsan@example.cn。", "required": "请填写电子邮箱。"},
    )
    captcha = captcha_field()

    def get_users(self, email):
        return (
            user
            for user in super().get_users(email)
            if user.has_perm("applications.use_enterprise_pages")
        )


class PortalSetPasswordForm(SetPasswordForm):
    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": "两次输入的新密码不一致。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = "至少8位，须包含大写字母、小写字母、数字、特殊字符中的三类，不能与用户名相似。"
        self.fields["new_password2"].label = "确认新密码"
        self.fields["new_password2"].help_text = ""

    def save(self, commit=True):
        self.user.must_change_password = False  # chosen by the user through the e-mailed link
        return super().save(commit=commit)
