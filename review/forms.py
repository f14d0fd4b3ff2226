"""Forms of the review screens: they validate input and say what is wrong in Chinese; services decide."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from applications import eligibility, return_targets
from applications.eligibility import CONDITIONS
from applications.fields import VERIFIED_FIELDS
from applications.models import MONEY_MAX, State
from portal.dates import chinese_date
from portal.directory.models import DeadlineLevel
from review.models import CountyVerification, Decision, SpotCheckResult
from review.selectors import FORWARDED_STATES, PENDING, UNMET, ListQuery, city_choices, cluster_choices
from review.workflow import TRANSITIONS, Action

OVERRIDABLE_ACTIONS = {Action.COUNTY_PASS, Action.CITY_FORWARD}

MONEY_FIELD = {
    "max_digits": 16,
    "decimal_places": 2,
    "min_value": 0,
    "max_value": MONEY_MAX,
    "error_messages": {
        "required": "请填写核实数。",
        "invalid": "请输入数字（单位：万元）。",
        "min_value": "金额不能为负数。",
        "max_value": "金额超出合理范围，请核对单位（万元）。",
        "max_decimal_places": "最多保留两位小数。",
        "max_digits": "数字过长，请核对。",
        "max_whole_digits": "数字过长，请核对。",
    },
}


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, t.label) for a, t in TRANSITIONS.items()])
    opinion = forms.CharField(label="审核意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    internal_note = forms.CharField(
        label="内部备注（企业不可见）", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_state = forms.ChoiceField(choices=State.choices, required=False, widget=forms.HiddenInput)
    # 退回修改 (to the enterprise): what the return concerns, so the enterprise is led to it.
    return_targets = forms.MultipleChoiceField(
        label="需修改的内容", required=False, choices=return_targets.grouped_choices(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选的修改内容无效，请刷新页面后重新选择。"},
    )
    # Passing or forwarding although a condition is not met (workflow.reason_recorded): confirmed, with the reason.
    override_confirmed = forms.BooleanField(required=False)
    override_reason = forms.CharField(label="理由", required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        reason = (data.get("override_reason") or "").strip()
        if data.get("action") in OVERRIDABLE_ACTIONS:
            if reason and not data.get("override_confirmed"):
                self.add_error("override_confirmed", "请勾选确认已知悉不满足的条件。")
            elif data.get("override_confirmed") and not reason:
                self.add_error("override_reason", "请填写仍决定通过的理由。")
        return data

    def confirmed_reason(self) -> str:
        """The reason the guard sees: only what the official confirmed."""
        data = self.cleaned_data
        return (data.get("override_reason") or "").strip() if data.get("override_confirmed") else ""


class ForwardForm(forms.Form):
    """审核通过并上报 from the cluster page: the city's opinion on this one application."""

    opinion = forms.CharField(label="市级审核意见", required=False, max_length=2000)


class CountyVerificationForm(forms.Form):
    """县级核实情况证明. `version` is the version the official opened (0: new); the service compares it."""

    revenue = forms.DecimalField(label="核实上年度营业收入（万元）", **MONEY_FIELD)
    tax_total = forms.DecimalField(label="核实上年度纳税总额（万元）", **MONEY_FIELD)
    total_assets = forms.DecimalField(label="核实资产总额（万元）", **MONEY_FIELD)
    owners_equity = forms.DecimalField(label="核实所有者权益（万元）", **MONEY_FIELD)
    cluster_rank = forms.IntegerField(
        label="核实集群内排名",
        validators=[MinValueValidator(1, "排名须为正整数。"), MaxValueValidator(9999, "排名超出合理范围。")],
        error_messages={"required": "请填写核实的集群内排名。", "invalid": "请输入整数。"},
    )
    remarks = forms.CharField(
        label="核实说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="与企业申报数不一致时，请说明核实依据（如税务、统计部门数据）。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    CHECK_CHOICES = [("", "尚未核实"), (eligibility.MET, "符合"), (eligibility.UNMET, "不符合")]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The county's verdict on each condition whose evidence it checks (a declaration, the report's text).
        for condition in eligibility.COUNTY_CHECKED:
            self.fields[f"check_{condition.code}"] = forms.ChoiceField(
                label=f"{condition.code} {condition.title}", required=False, choices=self.CHECK_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": "请选择「符合」或「不符合」。"},
            )
            self.fields[f"note_{condition.code}"] = forms.CharField(
                label=f"{condition.code} 核实情况说明", required=False, max_length=500,
                widget=forms.TextInput(attrs={"placeholder": "核实依据，如环保、应急管理部门意见"}),
            )

    FIGURES = (*VERIFIED_FIELDS, "remarks")

    def figure_fields(self):
        return [self[name] for name in self.FIGURES]

    def check_rows(self):
        """(condition, verdict field, note field) of each condition the county checks. A verdict in error ties its
        radios to the message under them (`<auto_id>-error`); Django marks them aria-invalid but, a radio group
        being a fieldset to it, leaves aria-describedby out."""
        rows = []
        for condition in eligibility.COUNTY_CHECKED:
            verdict = self[f"check_{condition.code}"]
            if verdict.errors:
                verdict.field.widget.attrs["aria-describedby"] = f"{verdict.auto_id}-error"
            rows.append((condition, verdict, self[f"note_{condition.code}"]))
        return rows

    def clean(self):
        data = super().clean()
        for condition in eligibility.COUNTY_CHECKED:
            if data.get(f"check_{condition.code}") == eligibility.UNMET and not data.get(f"note_{condition.code}", "").strip():
                self.add_error(f"note_{condition.code}", "核实为「不符合」时，请说明情况。")
        return data

    def condition_checks(self) -> dict:
        """{"B1": {"verdict": "met", "note": "…"}} for the conditions given a verdict."""
        data = self.cleaned_data
        return {
            c.code: {"verdict": data[f"check_{c.code}"], "note": data.get(f"note_{c.code}", "").strip()}
            for c in eligibility.COUNTY_CHECKED
            if data.get(f"check_{c.code}")
        }

    @classmethod
    def initial_for(cls, application, verification: CountyVerification | None):
        """Prefill with the saved verification, or with the declared figures for a first verification."""
        source = verification or application
        initial = {name: getattr(source, name) for name in VERIFIED_FIELDS}
        initial["remarks"] = verification.remarks if verification else ""
        initial["version"] = verification.version if verification else 0
        for code, entry in (verification.condition_checks if verification else {}).items():
            initial[f"check_{code}"] = entry.get("verdict", "")
            initial[f"note_{code}"] = entry.get("note", "")
        return initial


class CityRankForm(forms.Form):
    """集群内推荐排序: one number per application awaiting the city in one cluster."""

    def __init__(self, *args, applications=(), form_id="", **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        # The inputs sit in the table's rows; the HTML `form` attribute ties them to the cluster's form.
        attrs = {"class": "form-control form-control-sm rank-input", "form": form_id} if form_id else {
            "class": "form-control form-control-sm rank-input"
        }
        for application in self.applications:
            self.fields[f"rank_{application.pk}"] = forms.IntegerField(
                label=application.enterprise.name,
                required=False,
                initial=application.city_rank,
                min_value=1,
                max_value=99,
                error_messages={"invalid": "请输入整数。", "min_value": "排序须从1开始。", "max_value": "排序不能超过99。"},
                widget=forms.NumberInput(attrs={**attrs, "aria-label": f"{application.enterprise.name} 推荐排序"}),
            )

    def ranks(self) -> dict[int, int | None]:
        return {a.pk: self.cleaned_data.get(f"rank_{a.pk}") for a in self.applications}


def condition_choices() -> list[tuple[str, str]]:
    return [("", "全部"), (UNMET, "有不满足条件"), (PENDING, "有待核实条件")] + [
        (c.code, f"{c.code} 不满足：{c.title}") for c in CONDITIONS
    ]


class WorkListForm(forms.Form):
    """Search, filters and sort of an official's work list; invalid input is dropped, never an error page."""

    q = forms.CharField(label="企业名称或统一社会信用代码", required=False, max_length=100)
    state = forms.ChoiceField(label="状态", required=False)
    cluster = forms.TypedChoiceField(label="产业集群", required=False, coerce=int, empty_value=None)
    condition = forms.ChoiceField(label="申报条件", required=False)
    sort = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    all_states_label = "全部状态"

    def __init__(self, *args, user, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", self.all_states_label)] + [(s, State(s).label) for s in states]
        self.fields["cluster"].choices = [("", "全部产业集群")] + cluster_choices(user)
        self.fields["condition"].choices = condition_choices()

    def query(self, **fixed) -> ListQuery:
        data = {}
        if self.is_bound:
            self.is_valid()  # a field with a bad value (an outdated cluster, a hand-made URL) is dropped, not the rest
            data = self.cleaned_data
        values = {name: data[name] for name in self.query_fields if data.get(name)}
        return ListQuery(**{**values, **fixed})

    query_fields = ("q", "state", "cluster", "condition", "sort")


class ProvinceFilterForm(WorkListForm):
    city = forms.ChoiceField(label="设区市", required=False)

    query_fields = (*WorkListForm.query_fields, "city")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "全部设区市")] + city_choices()
        forwarded_labels = "、".join(State(s).label for s in FORWARDED_STATES)
        self.fields["state"].choices = [("", f"全部已上报（{forwarded_labels}）"), *self.fields["state"].choices[1:]]
        self.order_fields(["city", "cluster", "state", "condition", "q", "sort"])


class SpotCheckDrawForm(forms.Form):
    share_percent = forms.IntegerField(
        label="抽查比例（%）", min_value=1, max_value=100, initial=20,
        error_messages={
            "required": "请填写抽查比例。", "invalid": "请输入整数。",
            "min_value": "抽查比例至少为1%。", "max_value": "抽查比例不能超过100%。",
        },
    )
    reason = forms.CharField(
        label="重新抽取理由", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="本批次已抽查过一次：重新抽取须说明理由，原抽查及其结果仍保留并可查看。",
        error_messages={"max_length": "理由不能超过1000字。"},
    )

    def __init__(self, *args, redraw: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.redraw = redraw
        if not redraw:
            del self.fields["reason"]

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "").strip()
        if self.redraw and not reason:
            raise forms.ValidationError("重新抽取须填写理由。")
        return reason


class SpotCheckResultForm(forms.Form):
    result = forms.ChoiceField(
        label="抽查结果", choices=[("", "请选择")] + [(c.value, c.label) for c in SpotCheckResult if c.value],
        error_messages={"required": "请选择抽查结果。"},
    )
    notes = forms.CharField(label="抽查情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    record_file = forms.FileField(label="抽查记录（PDF/JPG/PNG，可选）", required=False)


class MeetingForm(forms.Form):
    name = forms.CharField(label="会议名称", max_length=100, error_messages={"required": "请填写会议名称。"})
    held_on = forms.DateField(
        label="会议日期", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写会议日期。", "invalid": "日期格式应为 年-月-日。"},
    )
    minutes_number = forms.CharField(label="纪要文号", max_length=50, error_messages={"required": "请填写纪要文号。"})


class MeetingDecisionForm(forms.Form):
    """One row per candidate application: 认定 / 不予认定 / not decided, the final ranking and a note."""

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        for application in self.applications:
            decision = getattr(application, "meeting_decision", None)
            self.fields[f"decision_{application.pk}"] = forms.ChoiceField(
                label="会议结论", required=False,
                choices=[("", "暂不研究")] + list(Decision.choices),
                initial=decision.decision if decision else "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"rank_{application.pk}"] = forms.IntegerField(
                label="认定排序", required=False, min_value=1, max_value=999,
                initial=decision.rank if decision else None,
                error_messages={"invalid": "请输入整数。", "min_value": "排序须从1开始。", "max_value": "排序不能超过999。"},
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm rank-input"}),
            )
            self.fields[f"note_{application.pk}"] = forms.CharField(
                label="说明", required=False, max_length=200, initial=decision.note if decision else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self):
        return [
            (a, self[f"decision_{a.pk}"], self[f"rank_{a.pk}"], self[f"note_{a.pk}"]) for a in self.applications
        ]

    def decisions(self):
        from review.services import DecisionInput

        return [
            DecisionInput(
                application_id=a.pk,
                decision=self.cleaned_data[f"decision_{a.pk}"],
                rank=self.cleaned_data[f"rank_{a.pk}"],
                note=self.cleaned_data[f"note_{a.pk}"],
            )
            for a in self.applications
        ]


class DeadlineExtensionForm(forms.Form):
    level = forms.ChoiceField(label="截止类型", choices=DeadlineLevel.choices)
    new_date = forms.DateField(
        label="新的截止日期", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写新的截止日期。", "invalid": "日期格式应为 年-月-日。"},
    )
    reason = forms.CharField(
        label="延期理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写延期理由。"},
    )

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self):
        data = super().clean()
        level, new_date = data.get("level"), data.get("new_date")
        if self.campaign and level and isinstance(new_date, dt.date):
            old = self.campaign.deadline(level)
            if new_date <= old:
                self.add_error("new_date", f"新的截止日期须晚于原截止日期（{chinese_date(old)}）。")
        return data
