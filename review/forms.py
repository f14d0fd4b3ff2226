"""Forms of the review screens: they validate input and say what is wrong in Chinese; services decide."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from applications import return_targets
from applications.fields import VERIFIED_FIELDS
from applications.models import MONEY_MAX, State
from portal.directory.models import DeadlineLevel
from review.models import CountyVerification, Decision, SpotCheckResult
from review.selectors import FORWARDED_STATES, city_units, clusters_with_applications
from review.workflow import TRANSITIONS

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

    @classmethod
    def initial_for(cls, application, verification: CountyVerification | None):
        """Prefill with the saved verification, or with the declared figures for a first verification."""
        source = verification or application
        initial = {name: getattr(source, name) for name in VERIFIED_FIELDS}
        initial["remarks"] = verification.remarks if verification else ""
        initial["version"] = verification.version if verification else 0
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


class ProvinceFilterForm(forms.Form):
    city = forms.ChoiceField(label="设区市", required=False)
    cluster = forms.ChoiceField(label="产业集群", required=False)
    state = forms.ChoiceField(label="状态", required=False)
    q = forms.CharField(label="企业名称或统一社会信用代码", required=False, max_length=100)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "全部设区市")] + [(d.code, d.name) for d in city_units()]
        self.fields["cluster"].choices = [("", "全部产业集群")] + [
            (str(c.pk), c.name) for c in clusters_with_applications(campaign)
        ]
        forwarded_labels = "、".join(State(s).label for s in FORWARDED_STATES)
        self.fields["state"].choices = [("", f"全部已上报（{forwarded_labels}）")] + [
            (s.value, s.label) for s in State if s != State.DRAFT
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"city": data["city"], "cluster": data["cluster"], "state": data["state"], "q": data["q"]}


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
                self.add_error("new_date", f"新的截止日期须晚于原截止日期（{old:%Y年%m月%d日}）。")
        return data
