from django.urls import path

from titles import views

app_name = "titles"

urlpatterns = [
    path("public/publicity/", views.publicity_public, name="publicity_public"),
    path("public/publicity/<int:pk>/objection/", views.objection_lodge_view, name="objection_lodge"),
    path("public/publicity/objection/<str:receipt>/", views.objection_received, name="objection_received"),
    path("review/province/publicity/", views.publicity_manage, name="publicity_manage"),
    path("review/province/publicity/<int:pk>/", views.publicity_detail, name="publicity_detail"),
    path("review/province/objections/<int:pk>/handle/", views.objection_handle_view, name="objection_handle"),
    path("review/province/objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
    path("enterprise/titles/", views.my_titles, name="my_titles"),
    path("review/county/monitoring/", views.monitoring_county, name="monitoring_county"),
    path("review/province/monitoring/", views.monitoring_province, name="monitoring_province"),
    path("review/province/dashboard/", views.province_dashboard_view, name="province_dashboard"),
    path("review/province/certificates/", views.certificates, name="certificates"),
    path("review/province/certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
]
