"""Forms of the enterprise side: registration, 申请报告, 推荐审核表 (with honours and partner SMEs), uploads."""

import re
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications import plausibility, uscc
from applications.fields import COUNT_FIELDS, FORM_FIELDS, MONEY_FIELDS
from applications.models import (
    REPORT_SECTION_MAX,
    REPORT_SECTIONS,
    Application,
    Enterprise,
    Honour,
    MaterialKind,
    PartnerSME,
)
from portal.accounts.captcha import captcha_field
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
    captcha = captcha_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_over_limit(self)
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


LIMIT_MESSAGE = "最多 %(limit_value)d 个字，现有 %(show_value)d 个字，请删减后再保存（内容已保留）。"


def refuse_over_limit(form):
    """Browsers silently cut pasted text at `maxlength`: drop the attribute and refuse on the server with a message
    that says by how much, keeping the text on the page."""
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)
        if getattr(field, "max_length", None):
            field.error_messages["max_length"] = LIMIT_MESSAGE


class LineTextField(forms.CharField):
    """Browsers send line breaks as CRLF but count them as one character: count them as the user sees them."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class VersionedForm(forms.ModelForm):
    """Carries the application's version so a stale page (another tab, a double click) is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_over_limit(self)


class ReportForm(VersionedForm):
    class Meta:
        model = Application
        fields = REPORT_SECTIONS
        field_classes = dict.fromkeys(REPORT_SECTIONS, LineTextField)
        widgets = {
            name: forms.Textarea(attrs={"rows": 8, "data-char-count": REPORT_SECTION_MAX}) for name in REPORT_SECTIONS
        }


def plain_number(value):
    """「26,800」「２６８００」「26 800」 → "26800": separators and full-width digits as users type them."""
    if isinstance(value, str):
        return plain_text(value).replace(",", "").replace("，", "").replace(" ", "")
    return value


MONEY_MESSAGES = {
    "invalid": "请输入数字（单位：万元），如 26800 或 26,800。",
    "max_digits": "数字过长，请核对单位（万元）。",
    "max_whole_digits": "数字过长，请核对单位（万元）。",
    "max_decimal_places": "最多保留两位小数。",
}
INTEGER_MESSAGES = {"invalid": "请输入整数，如 120 或 1,200。"}


class MoneyField(forms.DecimalField):
    """万元 with two decimals; accepts thousands separators and full-width digits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages.update(MONEY_MESSAGES)

    def to_python(self, value):
        return super().to_python(plain_number(value))


class CountField(forms.IntegerField):
    """Whole numbers (people, patents, ranks); accepts thousands separators and full-width digits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages.update(INTEGER_MESSAGES)

    def to_python(self, value):
        return super().to_python(plain_number(value))


class PercentField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages.update({**MONEY_MESSAGES, "invalid": "请输入百分数（0 至 100），如 12.5。"})

    def to_python(self, value):
        return super().to_python(plain_number(value).rstrip("%％") if isinstance(value, str) else value)


class YesNoSelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "请选择"), ("true", "是"), ("false", "否")]


# The two years before 上年度: growth on the officials' screens and in the 推荐审核表.
HISTORY_FIELDS = [
    "revenue_y2", "revenue_y3", "tax_total_y2", "tax_total_y3",
    "net_profit_y2", "net_profit_y3", "rd_spend_y2", "rd_spend_y3",
]
PATENT_FIELDS = COUNT_FIELDS  # 项: an empty one counts as 0
WHOLE_NUMBER_FIELDS = ["cluster_rank", "employees", "rd_staff", *PATENT_FIELDS]


class ApplicationForm(VersionedForm):
    """推荐审核表: every field may stay empty in a draft; completeness is checked on 提交申报."""

    confirm_large_amounts = forms.BooleanField(
        label="以上金额核对无误（单位为万元）", required=False,
        help_text="金额超过 10,000,000 万元（1,000 亿元）时须勾选确认。",
    )

    class Meta:
        model = Application
        fields = FORM_FIELDS
        field_classes = {
            **dict.fromkeys(MONEY_FIELDS, MoneyField),
            **dict.fromkeys(WHOLE_NUMBER_FIELDS, CountField),
            "market_share": PercentField,
        }
        labels = {"independent_legal_person": "是否具有独立法人资格"}
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "iso9000_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "independent_legal_person": YesNoSelect,
            **{
                name: forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "data-unit": "万元"})
                for name in MONEY_FIELDS
            },
            **{name: forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}) for name in WHOLE_NUMBER_FIELDS},
            "market_share": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "data-unit": "%"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "contact_mobile": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "cluster_rank": "企业规模和经济实力在所属产业集群内的排名（县级核实）。",
            "iso9000_valid_until": "须在企业申报截止日仍有效。",
            "rd_spend": "上年度研究与试验发展经费投入。",
            "net_profit": "亏损填负数。",
            "main_products": "如：不锈钢丝网、过滤网。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PATENT_FIELDS:
            self.fields[name].required = False
        self.fields["rd_institution_level"].choices = [("", "请选择"), *self.fields["rd_institution_level"].choices[1:]]
        self.fields["contact_email"].error_messages["invalid"] = "请填写正确的电子邮箱，如 zhangsan@example.cn。"
        year = self.instance.campaign.year if self.instance.campaign_id else timezone.localdate().year
        for name in HISTORY_FIELDS:
            # 「前年营业收入（万元）」 reads better with the year: 「2022年营业收入（万元）」.
            offset = 2 if name.endswith("_y2") else 3
            label = self.fields[name].label.split("年", 1)[1].removeprefix("度")
            self.fields[name].label = f"{year - offset}年{label}"
        for name in ("revenue", "tax_total", "rd_spend", "net_profit"):
            self.fields[name].label = self.fields[name].label.replace("上年度", f"上年度（{year - 1}年）")

    def clean_postcode(self):
        code = plain_text(self.cleaned_data["postcode"])
        if code and not re.fullmatch(r"\d{6}", code):
            raise ValidationError("邮政编码为6位数字，如 053600。")
        return code

    def clean_contact_mobile(self):
        mobile = re.sub(r"[\s-]", "", plain_text(self.cleaned_data["contact_mobile"]))
        if mobile and not MOBILE.match(mobile):
            raise ValidationError("请填写11位手机号码，如 13812345678。")
        return mobile

    def clean(self):
        data = super().clean()
        for name in PATENT_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        labels = {name: self.fields[name].label for name in MONEY_FIELDS}
        problems = plausibility.form_problems(
            data, labels, today=timezone.localdate(), confirmed=bool(data.get("confirm_large_amounts"))
        )
        for name, message in problems:
            if name not in self.errors:
                self.add_error(name, message)
        return data

    @property
    def asks_confirmation(self) -> bool:
        """The 「以上金额核对无误」 box is shown once a large amount was refused (or when it is already ticked)."""
        return bool(self.data.get("confirm_large_amounts")) or any(
            "核对无误" in str(e) for name in MONEY_FIELDS for e in self.errors.get(name, [])
        )


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
        field_classes = {"year": CountField}
        widgets = {"year": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "level"):
            self.fields[name].choices = [("", "请选择"), *self.fields[name].choices[1:]]
        compact_widgets(self)
        refuse_over_limit(self)
        self.fields["year"].error_messages.update(
            {"min_value": "获得年份不能早于 1949 年。", "max_value": "获得年份有误，请核对。"}
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        problem = plausibility.honour_year_not_in_future(year, timezone.localdate())
        if problem:
            raise ValidationError(problem)
        return year


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PartnerSME
        fields = ["name", "credit_code", "cooperation"]
        widgets = {"credit_code": forms.TextInput(attrs={"maxlength": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].max_length = 30
        compact_widgets(self)
        refuse_over_limit(self)
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
        # Replaces the model formset's generic unique check with messages on the rows concerned.
        if any(self.errors):
            return
        own_code = self.instance.enterprise.credit_code
        seen = {}
        for number, form in enumerate(self.forms, start=1):
            if self._should_delete_form(form) or not form.has_changed() and form.instance.pk is None:
                continue
            code = form.cleaned_data.get("credit_code")
            if not code:
                continue
            if code == own_code:
                form.add_error("credit_code", f"第{number}行填写的是本企业自己的统一社会信用代码，请填写被带动的中小企业。")
            elif code in seen:
                form.add_error(
                    "credit_code",
                    f"与第{seen[code]}行重复（同一家企业只计一次），请删除本行或改为另一家企业。",
                )
            else:
                seen[code] = number


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
