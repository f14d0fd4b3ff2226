from django.urls import path

from review.documents import views

app_name = "documents"
urlpatterns = [
    path("applications/<int:pk>/report.pdf", views.report_pdf_download, name="report_pdf"),
    path("applications/<int:pk>/form.pdf", views.form_pdf_download, name="form_pdf"),
    path("applications/<int:pk>/receipt.pdf", views.receipt_pdf_download, name="receipt_pdf"),
    path("applications/<int:pk>/verification.pdf", views.verification_pdf_download, name="verification_pdf"),
    path("applications/<int:pk>/certificate.pdf", views.certificate_pdf_download, name="certificate_pdf"),
    path("applications/<int:pk>/dossier.zip", views.dossier, name="dossier"),
    path("applications/<int:pk>/paper-copy.pdf", views.paper_copy, name="paper_copy"),
    path("selected/dossiers.zip", views.dossiers_zip, name="dossiers_zip"),
    path("selected/print/", views.print_applications, name="print_applications"),
    path("forwarded-paper-copies.pdf", views.forwarded_bundle, name="forwarded_bundle"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("letters/<str:kind>/", views.letter_issue_page, name="letter_issue"),
    path("recommendation-letter", views.recommendation_letter_download, name="recommendation_letter"),
    path("announcement/<int:year>.pdf", views.announcement_pdf_download, name="announcement_pdf"),
    path("revocation-notices/<int:pk>.pdf", views.revocation_notice_pdf, name="revocation_notice_pdf"),
    path("certificates/", views.certificate_batch, name="certificate_batch"),
    path("certificates/<int:pk>/status", views.certificate_batch_status, name="certificate_batch_status"),
    path("certificates/<int:pk>/<str:kind>", views.certificate_batch_file, name="certificate_batch_file"),
]
