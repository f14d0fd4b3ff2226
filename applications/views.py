from django.shortcuts import render

from applications.selectors import applications_visible_to
from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.directory.models import Campaign


@role_required(Role.ENTERPRISE)
def home(request):
    campaign = Campaign.current()
    applications = applications_visible_to(request.user).select_related("campaign", "cluster")
    return render(
        request,
        "applications/home.html",
        {"campaign": campaign, "applications": applications, "enterprise": request.user.enterprise},
    )
