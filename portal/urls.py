from django.contrib import admin
from django.urls import include, path

from portal import views as portal_views
from portal.accounts import views as account_views

admin.site.site_header = "河北省产业集群龙头企业认定系统 · 后台管理"
admin.site.site_title = "龙头企业认定系统后台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("portal.accounts.urls")),
    path("enterprise/", include("applications.urls")),
    path("review/", include("review.urls")),
    path("audit/", include("portal.audit.urls")),
    path("admin/", admin.site.urls),
    path("healthz", portal_views.health, name="health"),
]
