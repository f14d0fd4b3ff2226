from django import forms

from portal.audit.models import Event


class AuditFilterForm(forms.Form):
    """The 审计管理员's search: every field optional, all given ones must match."""

    username = forms.CharField(label="用户名", required=False, max_length=150)
    event = forms.ChoiceField(label="事件", required=False, choices=[("", "全部事件"), *Event.choices])
    success = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("1", "成功"), ("0", "失败")]
    )
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    q = forms.CharField(label="关键词", required=False, max_length=100, help_text="对象、详情或来源地址中包含的文字")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs["class"] = css
