from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from portal.accounts.forms import LoginForm
from portal.accounts.models import Role
from portal.accounts.navigation import ROLE_HOME
from portal.accounts.permissions import role_required
from portal.directory.models import Campaign, Cluster, Division


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def lockout_response(request, credentials=None, *args, **kwargs):
    """django-axes calls this once an account or address is locked."""
    retry_at = timezone.localtime(timezone.now() + timezone.timedelta(minutes=15))
    return render(
        request,
        "accounts/locked.html",
        {"retry_at": retry_at},
        status=429,
    )


@login_required
def home(request):
    return redirect(ROLE_HOME[request.user.role])


@role_required(Role.SYSADMIN)
def sysadmin_home(request):
    campaign = Campaign.current()
    return render(
        request,
        "accounts/sysadmin_home.html",
        {
            "campaign": campaign,
            "campaigns": Campaign.objects.all(),
            "division_count": Division.objects.count(),
            "cluster_count": Cluster.objects.filter(active=True).count(),
        },
    )
