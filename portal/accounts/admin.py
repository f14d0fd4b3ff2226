from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.accounts.models import Role, User


def admin_site_has_permission(request):
    """Only the 系统管理员 uses the admin (separation of duties: it holds no business data)."""
    user = request.user
    return user.is_active and user.is_authenticated and user.role == Role.SYSADMIN and user.is_staff


admin.site.has_permission = admin_site_has_permission


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
        ("状态", {"fields": ["is_active", "is_staff", "password_changed_at", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "role", "unit", "password1", "password2"]}),
    ]
    readonly_fields = ["password_changed_at", "last_login", "date_joined"]
