from django.urls import path

from review.documents import views

app_name = "documents"
urlpatterns = [
    path("applications/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("applications/<int:pk>/form.pdf", views.form_pdf, name="form_pdf"),
    path("applications/<int:pk>/verification.pdf", views.verification_pdf, name="verification_pdf"),
    path("applications/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("applications/<int:pk>/dossier.zip", views.dossier, name="dossier"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("recommendation-letter", views.recommendation_letter, name="recommendation_letter"),
    path("announcement/<int:year>.pdf", views.announcement_pdf, name="announcement_pdf"),
    path("certificates/", views.certificate_batch, name="certificate_batch"),
    path("certificates/<int:pk>/status", views.certificate_batch_status, name="certificate_batch_status"),
    path("certificates/<int:pk>/<str:kind>", views.certificate_batch_file, name="certificate_batch_file"),
]
