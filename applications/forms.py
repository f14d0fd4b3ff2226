"""Forms of the enterprise side: registration, 申请报告, 推荐审核表 (with honours and partner SMEs), uploads."""

import datetime as dt
import re
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications import uscc
from applications.models import (
    REPORT_SECTION_MAX,
    REPORT_SECTIONS,
    Application,
    Enterprise,
    Honour,
    MaterialKind,
    PartnerSME,
)
from portal.accounts.models import User
from portal.directory.models import Campaign, Cluster, Division

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
PARTNERS_SHOWN_WITHOUT_JS = 10  # D1 needs 10: without JavaScript the page still offers enough empty rows


def plain_text(value: str) -> str:
    """Full-width digits and letters become ASCII (users often type them in Chinese input methods)."""
    return unicodedata.normalize("NFKC", value or "").strip()


def credit_code_problem(value: str) -> tuple[str, str | None]:
    code = uscc.normalise(plain_text(value))
    return code, uscc.problem(code)


def campaign_clusters():
    """The clusters an enterprise may register under: the open campaign's list (all active ones otherwise)."""
    campaign = Campaign.current()
    clusters = campaign.eligible_clusters() if campaign else Cluster.objects.filter(active=True)
    return clusters.select_related("county").order_by("county_id", "name")


class ClusterSelect(forms.Select):
    """Each option carries its county, so static/js/register.js can show only the chosen county's clusters."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-county"] = instance.county_id
        return option


class RegistrationForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=100)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=30, help_text="18位，见营业执照；字母不区分大小写。"
    )
    county = forms.ModelChoiceField(
        label="所在县（市、区）",
        queryset=Division.objects.none(),
        empty_label="请选择",
        help_text="仅列出有本批次省级产业集群的县（市、区）。",
    )
    cluster = forms.ModelChoiceField(
        label="所属产业集群", queryset=Cluster.objects.none(), empty_label="请选择", widget=ClusterSelect
    )
    legal_representative = forms.CharField(label="法定代表人", max_length=50)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(
        label="联系电话", max_length=30, help_text="手机号码或固定电话（如 0318-7521234）。"
    )
    email = forms.EmailField(label="电子邮箱")
    address = forms.CharField(label="注册地址", max_length=200)
    username = forms.CharField(
        label="登录用户名", max_length=150, help_text="字母、数字和 @ . + - _，用于登录本系统。"
    )
    password1 = forms.CharField(
        label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，须包含大写字母、小写字母、数字、特殊字符中的三类，不能与用户名相似。",
    )
    password2 = forms.CharField(
        label="确认密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clusters = campaign_clusters()
        self.fields["cluster"].queryset = clusters
        self.fields["county"].queryset = Division.objects.filter(clusters__in=clusters).distinct().order_by("code")
        self.fields["county"].label_from_instance = lambda d: f"{d.name}（{d.code}）"

    def clean_credit_code(self):
        code, problem = credit_code_problem(self.cleaned_data["credit_code"])
        if problem:
            raise ValidationError(problem)
        existing = Enterprise.objects.filter(credit_code=code).select_related("county").first()
        if existing is not None:
            raise ValidationError(
                f"统一社会信用代码 {code} 已有企业注册，一家企业只能注册一次。"
                f"如需找回账号或增加经办人，请联系{existing.county.name}中小企业主管部门。"
            )
        return code

    def clean_contact_phone(self):
        phone = re.sub(r"[\s（）()]", "", plain_text(self.cleaned_data["contact_phone"])).replace("—", "-")
        if not (MOBILE.match(phone) or LANDLINE.match(phone)):
            raise ValidationError("请填写正确的手机号码（11位）或固定电话（区号-号码，如 0318-7521234）。")
        return phone

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean(self):
        data = super().clean()
        county, cluster = data.get("county"), data.get("cluster")
        if county and cluster and cluster.county_id != county.pk:
            self.add_error("cluster", f"「{cluster.name}」不在{county.name}，请选择所在县（市、区）的产业集群。")
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif password1:
            candidate = User(
                username=data.get("username", ""), email=data.get("email", ""), full_name=data.get("contact_name", "")
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class LineTextField(forms.CharField):
    """Browsers send line breaks as CRLF but count them as one character: count them as the user sees them."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class VersionedForm(forms.ModelForm):
    """Carries the application's version so a stale page (another tab, a double click) is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReportForm(VersionedForm):
    class Meta:
        model = Application
        fields = REPORT_SECTIONS
        field_classes = dict.fromkeys(REPORT_SECTIONS, LineTextField)
        widgets = {
            name: forms.Textarea(attrs={"rows": 8, "data-char-count": REPORT_SECTION_MAX}) for name in REPORT_SECTIONS
        }


class MoneyField(forms.DecimalField):
    """万元 with two decimals; accepts thousands separators and full-width digits."""

    def to_python(self, value):
        if isinstance(value, str):
            value = plain_text(value).replace(",", "").replace("，", "").replace(" ", "")
        return super().to_python(value)


class YesNoSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "请选择"), ("true", "是"), ("false", "否")]


MONEY_FIELDS = ["revenue", "tax_total", "total_assets", "owners_equity", "rd_spend"]
PATENT_FIELDS = ["patents_invention", "patents_utility", "patents_design"]
DECLARATION_FIELDS = [
    "declares_policy_compliance",
    "declares_no_accidents",
    "declares_no_violations",
    "declares_truthful",
]
AUDIT_FORM_FIELDS = [
    "established_on",
    "independent_legal_person",
    *MONEY_FIELDS,
    "cluster_rank",
    "iso9000_number",
    "iso9000_issuer",
    "iso9000_valid_until",
    "rd_institution_name",
    "rd_institution_level",
    *PATENT_FIELDS,
    *DECLARATION_FIELDS,
]


class ApplicationForm(VersionedForm):
    """推荐审核表: every field may stay empty in a draft; completeness is checked on 提交申报."""

    class Meta:
        model = Application
        fields = AUDIT_FORM_FIELDS
        field_classes = dict.fromkeys(MONEY_FIELDS, MoneyField)
        labels = {"independent_legal_person": "是否具有独立法人资格"}
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "iso9000_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "independent_legal_person": YesNoSelect,
            **{name: forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}) for name in MONEY_FIELDS},
        }
        help_texts = {
            "cluster_rank": "企业规模和经济实力在所属产业集群内的排名（县级核实）。",
            "iso9000_valid_until": "须在企业申报截止日仍有效。",
            "rd_spend": "上年度研究与试验发展经费投入。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PATENT_FIELDS:
            self.fields[name].required = False
        self.fields["rd_institution_level"].choices = [("", "请选择"), *self.fields["rd_institution_level"].choices[1:]]

    def clean(self):
        data = super().clean()
        for name in PATENT_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        established = data.get("established_on")
        if established and established > timezone.localdate():
            self.add_error("established_on", "成立日期不能晚于今天。")
        if established and established < dt.date(1949, 1, 1):
            self.add_error("established_on", "成立日期有误，请核对。")
        equity, assets = data.get("owners_equity"), data.get("total_assets")
        if equity is not None and assets is not None and equity > assets:
            self.add_error("owners_equity", "所有者权益不能大于资产总额，请核对（单位均为万元）。")
        return data


def compact_widgets(form):
    """Row forms sit in a table: small Bootstrap inputs, named by their column (the table shows no label)."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs["class"] = css
        field.widget.attrs["aria-label"] = field.label


class HonourForm(forms.ModelForm):
    class Meta:
        model = Honour
        fields = ["kind", "level", "name", "year", "issuer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "level"):
            self.fields[name].choices = [("", "请选择"), *self.fields[name].choices[1:]]
        compact_widgets(self)


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerSME
        fields = ["name", "credit_code", "cooperation"]
        widgets = {"credit_code": forms.TextInput(attrs={"maxlength": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].max_length = 30
        compact_widgets(self)
        self.fields["cooperation"].widget.attrs["placeholder"] = "如：零部件配套、委托加工"

    def clean_credit_code(self):
        code, problem = credit_code_problem(self.cleaned_data["credit_code"])
        if problem:
            raise ValidationError(problem)
        return code

    def validate_unique(self):
        # The list is saved as a whole (replacing the old one), so duplicates are checked among the
        # submitted rows by the formset, not against the rows it replaces.
        pass


class ListFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].widget.attrs["class"] = "form-check-input"

    def rows(self) -> list[dict]:
        """The list as submitted: kept rows and newly filled ones, without deleted or untouched empty rows."""
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            rows.append({name: form.cleaned_data.get(name) for name in form._meta.fields if name != self.fk.name})
        return rows


class PartnerFormSet(ListFormSet):
    def clean(self):
        # Replaces the model formset's generic unique check with messages that name the rows.
        if any(self.errors):
            return
        own_code = self.instance.enterprise.credit_code
        seen = {}
        problems = []
        for number, form in enumerate(self.forms, start=1):
            if self._should_delete_form(form) or not form.has_changed() and form.instance.pk is None:
                continue
            code = form.cleaned_data.get("credit_code")
            if not code:
                continue
            if code == own_code:
                problems.append(f"第{number}行填写的是本企业自己的统一社会信用代码，请填写被带动的中小企业。")
            elif code in seen:
                problems.append(f"统一社会信用代码 {code} 重复：第{seen[code]}行与第{number}行是同一家企业，请删除其中一行。")
            else:
                seen[code] = number
        if problems:
            raise ValidationError(problems)


HonourFormSet = forms.inlineformset_factory(
    Application, Honour, form=HonourForm, formset=ListFormSet, extra=1, can_delete=True, max_num=50,
    validate_max=True,
)


def partner_formset_class(existing: int):
    return forms.inlineformset_factory(
        Application, PartnerSME, form=PartnerForm, formset=PartnerFormSet,
        extra=max(1, PARTNERS_SHOWN_WITHOUT_JS - existing), can_delete=True, max_num=300, validate_max=True,
    )


class MaterialUploadForm(forms.Form):
    """The kind only: the files themselves are checked by applications.uploads.validate_upload."""

    kind = forms.ChoiceField(choices=MaterialKind.choices)
