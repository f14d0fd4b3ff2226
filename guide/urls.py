from django.urls import path

from guide import views

urlpatterns = [
    path("guide/", views.guide, name="guide"),
    path("guide/notice/", views.notice_page, name="guide_notice"),
    path("guide/templates/<slug:name>.<str:extension>", views.template_download, name="guide_template"),
]
