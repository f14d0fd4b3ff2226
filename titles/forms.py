
from django import forms
from django.utils import timezone

from applications.uploads import UploadRefused, validate_upload
from portal.accounts.captcha import captcha_field
from review.models import ObjectionOutcome, RevocationGround
from titles.services import PUBLICITY_WORKING_DAYS, add_working_days


class PublicityForm(forms.Form):
    starts_on = forms.DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(
        label="公示截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=f"不填则为 {PUBLICITY_WORKING_DAYS} 个工作日（不含周六、周日）。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = add_working_days(today, PUBLICITY_WORKING_DAYS)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and starts < timezone.localdate():
            self.add_error("starts_on", "公示开始日期不能早于今天。")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "公示截止日期不能早于开始日期。")
        return data


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(label="异议对象（企业）", coerce=int)
    name = forms.CharField(label="姓名或单位名称", max_length=50)
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9+\-（）() ]{7,20}$",
        max_length=20,
        error_messages={"invalid": "请填写有效的联系电话（手机或座机，7–20 位数字）。"},
    )
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "电子邮箱格式不正确。"})
    content = forms.CharField(
        label="异议内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明异议的事实和理由，不超过 2000 字。以单位名义提出的请加盖公章后上传证明材料。",
        error_messages={"max_length": "异议内容最多 %(limit_value)d 字（当前 %(show_value)d 字），请精简后再提交。"},
    )
    evidence = forms.FileField(
        label="证明材料（可选）",
        required=False,
        help_text="PDF、JPG 或 PNG，不超过 20 MB。",
    )
    captcha = captcha_field()

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "请选择公示名单中的企业")] + [
            (e.pk, f"{e.position}. {e.enterprise_name}") for e in entries
        ]
        self.fields["entry"].error_messages["required"] = "请选择异议对象。"
        self.fields["entry"].error_messages["invalid_choice"] = "请从公示名单中选择企业。"
        for name in ("name", "phone", "content"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}。"

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        try:
            return validate_upload(upload)
        except UploadRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None


class ObjectionHandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[(ObjectionOutcome.UPHELD, "异议成立"), (ObjectionOutcome.DISMISSED, "异议不成立")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="处理意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label="撤销事由", choices=[("", "请选择")] + RevocationGround.choices)
    basis = forms.CharField(label="撤销依据（决定文号）", max_length=200, help_text="如：冀企产〔2026〕5号。")
    reason = forms.CharField(
        label="撤销理由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明事实、核查情况和文件依据，将记入证书记录并通知企业、县级和市级主管部门。",
    )


class ReissueForm(forms.Form):
    reason = forms.CharField(
        label="换发原因", max_length=200, help_text="如：企业更名为×××（附核准变更登记通知书）；证书信息有误更正。"
    )


class MonitoringForm(forms.ModelForm):
    class Meta:
        from titles.models import MonitoringReport

        model = MonitoringReport
        fields = ["revenue", "tax_total", "total_assets", "owners_equity", "rd_spend", "employees", "narrative"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"narrative": "简述上年度生产经营、技术创新、带动中小企业和履行社会责任情况，不超过 2000 字。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.error_messages["required"] = f"请填写{field.label}。"
            if name != "narrative" and name != "employees":
                field.widget.attrs.update({"inputmode": "decimal", "step": "0.01", "min": "0"})

    def clean(self):
        data = super().clean()
        revenue = data.get("revenue")
        for name in ("tax_total", "rd_spend"):
            value = data.get(name)
            if value is not None and revenue is not None and value > revenue:
                self.add_error(name, f"{self.fields[name].label}不能大于营业收入。")
        assets, equity = data.get("total_assets"), data.get("owners_equity")
        if assets is not None and equity is not None and equity > assets:
            self.add_error("owners_equity", "所有者权益不能大于资产总额。")
        for name in ("revenue", "tax_total", "total_assets", "owners_equity", "rd_spend"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, f"{self.fields[name].label}不能为负数。")
        return data


class MonitoringConfirmForm(forms.Form):
    note = forms.CharField(label="确认意见", max_length=500, required=False)
