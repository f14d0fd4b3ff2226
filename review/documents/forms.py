"""The issuing form of a 公文: what the official enters when the 推荐文件 or the 通报 is issued."""

import datetime as dt
import re

from django import forms
from django.utils import timezone

# 发文字号: 机关代字 + 〔年份〕 + 序号 + 号 (GB/T 9704-2012 7.2.4), e.g. 衡工信字〔2024〕15号.
DOCUMENT_NUMBER_RE = re.compile(r"^\S{1,20}〔(\d{4})〕(\d{1,4})号$")


class LetterIssueForm(forms.Form):
    document_number = forms.CharField(
        label="发文字号", max_length=50,
        help_text="如：衡工信字〔2024〕15号（年份用六角括号〔〕，序号不编虚位）。",
        error_messages={"required": "请填写发文字号。"},
    )
    signer = forms.CharField(label="签发人", max_length=30, required=False, help_text="上行文须标注签发人姓名。")
    dated = forms.DateField(
        label="成文日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="负责人签发的日期，印在署名下方。",
        error_messages={"required": "请填写成文日期。", "invalid": "请输入正确的日期。"},
    )
    copy_to = forms.CharField(label="抄送机关", max_length=200, required=False, help_text="可不填；多个机关用顿号隔开。")
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)

    def __init__(self, *args, signer_required: bool = False, example: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.signer_required = signer_required
        if example:  # the issuing unit's own 机关代字
            self.fields["document_number"].help_text = f"如：{example}（年份用六角括号〔〕，序号不编虚位）。"
        if signer_required:
            self.fields["signer"].required = True
            self.fields["signer"].error_messages["required"] = "上行文须填写签发人。"
        else:
            del self.fields["signer"]

    def clean_document_number(self):
        value = self.cleaned_data["document_number"].strip()
        value = value.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕")
        match = DOCUMENT_NUMBER_RE.match(value)
        if not match:
            raise forms.ValidationError("发文字号格式应为：机关代字〔年份〕序号号，如 衡工信字〔2024〕15号。")
        if match[2].startswith("0"):
            raise forms.ValidationError("发文顺序号不编虚位（写 15号，不写 015号）。")
        return value

    def clean_signer(self):
        value = self.cleaned_data.get("signer", "").strip()
        if self.signer_required and not value:
            raise forms.ValidationError("上行文须填写签发人。")
        return value

    def clean_dated(self):
        value = self.cleaned_data["dated"]
        if value > timezone.localdate() + dt.timedelta(days=30):
            raise forms.ValidationError("成文日期不能晚于今后 30 天。")
        if value.year < 2000:
            raise forms.ValidationError("请检查成文日期的年份。")
        return value
