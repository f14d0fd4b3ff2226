from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.enterprise_home, name="home"),
    path("register/", views.register, name="register"),
    path("start/", views.start, name="start"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/report/", views.report, name="report"),
    path("applications/<int:pk>/form/", views.application_form, name="form"),
    path("applications/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("applications/<int:pk>/materials/", views.materials, name="materials"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("materials/<int:pk>/delete/", views.delete_material, name="material_delete"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
]
