from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, ReadOnlyPasswordHashWidget
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from portal.accounts.admin_labels import SEARCH_HELP, name_library_models
from portal.accounts.models import User
from portal.accounts.services import sessions_end_for_user, user_deactivate
from portal.accounts.views import admin_login


def admin_site_has_permission(request):
    """Only the 系统管理员 uses the admin (separation of duties: it holds no business data)."""
    return request.user.has_perm("accounts.use_admin")


admin.site.has_permission = admin_site_has_permission
admin.site.login = admin_login
# Bulk deletion writes its LogEntry rows with bulk_create, which sends no signal and so would bypass
# the audit log; objects are deleted one at a time from their own page instead.
admin.site.disable_action("delete_selected")


@admin.action(description="停用所选账号（立即结束其登录会话）")
def deactivate_users(modeladmin, request, queryset):
    ended = sum(user_deactivate(user=user, actor=request.user) for user in queryset.filter(is_active=True))
    messages.success(request, f"已停用所选账号，结束 {ended} 个登录会话。")


class PasswordHashSummary(ReadOnlyPasswordHashWidget):
    """Django's read-only password summary, without the `disabled` its <div> may not carry in valid HTML, nor an
    aria-describedby naming a help text id the admin never prints (it labels nothing: its help id is "None_…")."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        context["widget"]["attrs"].pop("aria-describedby", None)
        return context


class LabelledAutocompleteSelect(AutocompleteSelect):
    """The autocomplete box with its empty choice labelled (an empty <option> without a label is invalid HTML)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value == "":
            option["attrs"]["label"] = "（未选择）"
        return option


class AdministratorSetPasswordForm(AdminPasswordChangeForm):
    """A password the 系统管理员 sets is known to two people: the user must replace it at the next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = AdministratorSetPasswordForm
    list_display = ["username", "full_name", "role", "unit", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "email", "unit__name", "enterprise__name"]
    list_select_related = ["unit", "enterprise"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["enterprise"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("基本信息", {"fields": ["full_name", "email", "phone"]}),
        ("角色与单位", {"fields": ["role", "unit", "enterprise"]}),
        ("状态", {"fields": ["is_active", "is_staff", "must_change_password", "password_changed_at", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "role", "unit", "password1", "password2"]}),
    ]
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
    actions = [deactivate_users]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Assigning roles is account management, the 系统管理员's duty (audited with old → new values), but
            # never to itself: it cannot give its own account a business role or take away its own access.
            readonly += ["role", "unit", "enterprise", "is_active", "is_staff"]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", LabelledAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "password" in form.base_fields and isinstance(form.base_fields["password"].widget, ReadOnlyPasswordHashWidget):
            form.base_fields["password"].widget = PasswordHashSummary()
        return form

    def has_delete_permission(self, request, obj=None):
        # Accounts are disabled, never deleted: audit and review records keep pointing at them.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the administrator chose the first password
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            ended = sessions_end_for_user(user=obj)
            messages.info(request, f"账号已停用，已结束其 {ended} 个登录会话。")


class ResetOnlyMixin:
    """The 系统管理员 may see that a device exists and delete it (the user then enrols again at the next
    login), but never add one for somebody else or read its secret. Deleting a device ends its owner's
    sessions: a session keeps its second-factor state (portal/accounts/middleware.py), which must not
    outlive the device that proved it. Its page shows the fields through the Chinese-named columns below
    (the library's help texts are English)."""

    search_help_text = SEARCH_HELP
    DETAIL = ["device_user", "device_name", "device_confirmed", "device_created_at", "device_last_used_at"]
    readonly_fields = DETAIL

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.DETAIL})]

    @admin.display(description="用户")
    def device_user(self, obj):
        return obj.user

    @admin.display(description="名称")
    def device_name(self, obj):
        return obj.name

    @admin.display(description="已确认", boolean=True)
    def device_confirmed(self, obj):
        return obj.confirmed

    @admin.display(description="绑定时间")
    def device_created_at(self, obj):
        return obj.created_at

    @admin.display(description="最近使用时间")
    def device_last_used_at(self, obj):
        return obj.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sessions_end_for_user(user=obj.user)

    def delete_queryset(self, request, queryset):
        owners = {device.user for device in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in owners:
            sessions_end_for_user(user=user)


class TOTPDeviceResetAdmin(ResetOnlyMixin, TOTPDeviceAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)  # without django-otp's pages that draw the secret as a QR code


class StaticDeviceResetAdmin(ResetOnlyMixin, StaticDeviceAdmin):
    inlines = []


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's read-only list of background jobs (生成证书), with Chinese column names."""

    @admin.display(description="任务")
    def task_name(self, obj):
        return obj.task_name

    @admin.display(description="错误详情")
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description="最早执行时间")
    def display_run_after(self, obj):
        return super().display_run_after(obj)

    @admin.display(description="任务编号")
    def task_id(self, obj):
        return obj.id

    def get_list_display(self, request):
        return ["task_id", "task_name", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name"]


for model, model_admin in (
    (TOTPDevice, TOTPDeviceResetAdmin), (StaticDevice, StaticDeviceResetAdmin), (DBTaskResult, TaskResultAdmin)
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)

name_library_models()
