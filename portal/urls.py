from django.contrib import admin
from django.urls import include, path

from guide import views as guide_views
from portal import views as portal_views
from review.documents import views as document_views

admin.site.site_header = "河北省产业集群龙头企业认定系统 · 后台管理"
admin.site.site_title = "龙头企业认定系统后台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", guide_views.front, name="home"),
    path("", include("guide.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("enterprise/", include("applications.urls")),
    path("", include("review.urls")),  # /review/… and the public /public/awarded/
    path("", include("titles.urls")),  # /public/publicity/… and /review/province/publicity/…
    path("audit/", include("portal.audit.urls")),
    path("documents/", include("review.documents.urls")),
    path("verify/document/<str:sha256>", document_views.verify_document, name="verify_document"),
    path("verify/<str:token>", document_views.verify_certificate, name="verify"),
    path("admin/", admin.site.urls),
    path("captcha/", include("captcha.urls")),
    path("healthz", portal_views.health, name="health"),
]
