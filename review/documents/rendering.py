"""The application's PDFs: 申请报告, 推荐审核表, 县级核实情况证明 and its certificate."""

from review.selectors import verification_of

from .certificates import render_certificates
from .pdf import render_documents_pdf, render_template_pdf
from .selectors import certificate_of, form_context, receipt_context, report_context, verification_context


def report_pdf(application) -> bytes:
    """Cover (no footer, no number) and text pages numbered from 1: laid out apart, written as one PDF."""
    context = report_context(application)
    cover = {key: value for key, value in context.items() if key != "fingerprint"}
    return render_documents_pdf([("documents/pdf/report_cover.html", cover), ("documents/pdf/report.html", context)])


def form_pdf(application) -> bytes:
    return render_template_pdf("documents/pdf/form.html", form_context(application))


def receipt_pdf(application) -> bytes:
    return render_template_pdf("documents/pdf/receipt.html", receipt_context(application))


def verification_pdf(application) -> bytes:
    return render_template_pdf("documents/pdf/verification.html", verification_context(application))


def certificate_pdf(application) -> bytes:
    certificate = certificate_of(application)
    return render_certificates([certificate], campaign=application.campaign)


def application_documents(application) -> list[tuple[str, str, bytes]]:
    """(file name, description, PDF) of every document the application has so far."""
    documents = [
        ("一-申请报告.pdf", "河北省产业集群龙头企业申请报告", report_pdf(application)),
        ("二-推荐审核表.pdf", "河北省产业集群龙头企业推荐审核表", form_pdf(application)),
    ]
    if verification_of(application) is not None:
        documents.append(("三-县级核实情况证明.pdf", "县级中小企业管理部门核实情况证明", verification_pdf(application)))
    certificate = certificate_of(application)
    if certificate is not None:
        documents.append((f"证书-{certificate.number}.pdf", "河北省产业集群龙头企业证书", certificate_pdf(application)))
    return documents
