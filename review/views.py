from django.db.models import Count
from django.shortcuts import render

from applications.models import State
from applications.selectors import applications_visible_to
from portal.accounts.models import Role
from portal.accounts.permissions import role_required
from portal.directory.models import Campaign


def _counts(user, campaign):
    rows = (
        applications_visible_to(user).filter(campaign=campaign).values("state").annotate(n=Count("id")).order_by()
        if campaign
        else []
    )
    by_state = {row["state"]: row["n"] for row in rows}
    return [(State(s).label, by_state.get(s, 0)) for s in State.values if s != State.DRAFT]


def _home(request, template):
    campaign = Campaign.current()
    return render(request, template, {"campaign": campaign, "state_counts": _counts(request.user, campaign)})


@role_required(Role.COUNTY)
def county_home(request):
    return _home(request, "review/county_home.html")


@role_required(Role.CITY)
def city_home(request):
    return _home(request, "review/city_home.html")


@role_required(Role.PROVINCE)
def province_home(request):
    return _home(request, "review/province_home.html")
