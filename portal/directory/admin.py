from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path

from portal.directory.cluster_import import import_clusters
from portal.directory.models import Campaign, CampaignState, Cluster, Division
from portal.directory.routing import in_flight_by_city


def _staying(county) -> tuple[int, str]:
    """How many in-flight applications of `county` there are, and by which city each is reviewed."""
    by_city = in_flight_by_city(county)
    names = dict(Division.objects.filter(code__in=[c for c in by_city if c]).values_list("code", "name"))
    described = "、".join(f"{names.get(code, '未设置审核市')} {count} 件" for code, count in sorted(by_city.items()))
    return sum(by_city.values()), described


def routing_note(county) -> str:
    staying, described = _staying(county)
    rule = "更改市级审核单位只适用于今后首次提交的申报；已提交的申报按提交时的审核单位办理，不随之移动。"
    if not staying:
        return f"{rule}{county.name}目前没有在办的申报。"
    return f"{rule}{county.name}现有 {staying} 件在办申报（{described}），更改后仍由原单位审核，名单和推荐名额都不变。"


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    """The divisions are GB/T 2260 reference data (read-only here); the 系统管理员 keeps each unit's review routing
    and its responsible department with phone, which the front page, the final states' 「如有疑问请联系」 and the
    documents' signatures read. Every change reaches the audit log with old → new values (portal/audit/signals.py).
    """

    list_display = ["code", "name", "kind", "parent", "reviewing_city", "office_name", "office_phone"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "office_name"]
    list_select_related = ["parent", "reviewing_city"]
    fields = ["code", "name", "kind", "parent", "reviewing_city", "office_name", "office_phone"]
    readonly_fields = ["code", "name", "kind", "parent"]

    def get_fieldsets(self, request, obj=None):
        office = ("主管部门", {
            "fields": ["office_name", "office_phone"],
            "description": "办事指南「各县（市、区）主管部门」、办结后的「如有疑问请联系」和公文署名使用这里的名称和电话。",
        })
        if obj is None or not obj.is_county_level:
            return [(None, {"fields": ["code", "name", "kind", "parent", "reviewing_city"]}), office]
        return [
            (None, {"fields": ["code", "name", "kind", "parent"]}),
            ("申报路由", {"fields": ["reviewing_city"], "description": routing_note(obj)}),
            office,
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "reviewing_city" in form.changed_data:
            staying, described = _staying(obj)
            new = obj.reviewing_city.name if obj.reviewing_city_id else "（未设置）"
            kept = f"{staying} 件在办申报（{described}）仍由原审核单位办理，不随之移动。" if staying else "目前没有在办的申报。"
            messages.warning(request, f"已将{obj.name}的市级审核单位改为{new}：今后提交的申报由{new}审核；{kept}")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewing_city":
            kwargs["queryset"] = Division.objects.city_level()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClusterImportForm(forms.Form):
    file = forms.FileField(label="集群名单文件（CSV 或 XLSX）")
    default_year = forms.IntegerField(label="确认年度（文件中没有时使用）", required=False, min_value=2000, max_value=2100)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "industry", "confirmed_year", "active"]
    list_filter = ["active", "confirmed_year"]
    search_fields = ["name", "industry", "county__name"]
    list_select_related = ["county"]
    autocomplete_fields = ["county"]
    change_list_template = "admin/directory/cluster/change_list.html"

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="directory_cluster_import")] + super().get_urls()

    def import_view(self, request):
        form = ClusterImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_clusters(
                upload.name, upload.read(), default_year=form.cleaned_data["default_year"], actor=request.user
            )
            if report.ok:
                messages.success(request, report.summary())
                return redirect("admin:directory_cluster_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "report": report, "title": "导入产业集群名单", "opts": self.model._meta}
        return render(request, "admin/directory/cluster/import.html", context)


PROVINCE_DECIDES_MESSAGE = (
    "申报批次已开始，截止日期、每个集群推荐上限和通报公布时间由省级审核员办理，不能在后台修改。"
    "延长截止日期请由省级审核员在「省级审定 → 延长截止日期」中填写延期理由（系统留有记录）；通报公布由省级审核员办理。"
)


class CampaignForm(forms.ModelForm):
    """The seal printed on certificates: only a real PNG or JPEG image, checked by content, at most 2 MB.

    Once the campaign has opened, its deadlines, quota and publication are refused here (PROVINCE_DECIDES).
    """

    class Meta:
        model = Campaign
        fields = "__all__"  # noqa: DJ007 - the admin shows every field; this form only adds the seal check

    def clean_seal_image(self):
        image = self.cleaned_data.get("seal_image")
        if not image or not hasattr(image, "content_type"):  # unchanged or cleared
            return image
        if image.size > 2 * 1024 * 1024:
            raise forms.ValidationError("印章图片不能超过 2 MB。")
        image.seek(0)
        head = image.read(8)
        image.seek(0)
        if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
            raise forms.ValidationError("印章图片只能是 PNG 或 JPG 格式。")
        return image

    def clean(self):
        cleaned = super().clean()
        stored = Campaign.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if stored is None or not stored.under_way:
            return cleaned
        for name in Campaign.PROVINCE_DECIDES:
            if name in self.fields and name in self.changed_data:
                self.add_error(name, PROVINCE_DECIDES_MESSAGE)
        if cleaned.get("state") == CampaignState.NOT_STARTED:
            self.add_error("state", "申报批次已开始，不能改回「未开始」。")
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ["title", "year", "document_number", "state", "enterprise_deadline", "county_deadline", "city_deadline"]
    list_filter = ["state"]

    def get_fieldsets(self, request, obj=None):
        if obj is None or not obj.under_way:
            return super().get_fieldsets(request, obj)
        others = [name for name in self.get_fields(request, obj) if name not in Campaign.PROVINCE_DECIDES]
        return [
            (None, {"fields": others}),
            ("截止日期、推荐上限与通报公布", {"fields": list(Campaign.PROVINCE_DECIDES), "description": PROVINCE_DECIDES_MESSAGE}),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None or not obj.under_way:
            return readonly
        # Posted values of these fields (a page opened before the campaign did, or a crafted request) stay in the
        # form, so CampaignForm refuses them with its message instead of dropping them silently.
        posted = {key.rsplit("_", 1)[0] if key.endswith(("_0", "_1")) else key for key in request.POST}
        if request.method == "POST" and posted & set(Campaign.PROVINCE_DECIDES):
            return readonly
        return readonly + list(Campaign.PROVINCE_DECIDES)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.SplitDateTimeField):
            # The admin's date and time boxes share one <label>, which names neither: each gets its own name.
            date, time = field.widget.widgets
            date.attrs["aria-label"] = f"{field.label}（日期）"
            time.attrs["aria-label"] = f"{field.label}（时间）"
        return field
