from django.core.paginator import Paginator
from django.shortcuts import render

from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.audit.models import AuditEvent


@role_required(Role.AUDITOR)
def log(request):
    page = Paginator(AuditEvent.objects.select_related("user"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})
