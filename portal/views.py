from django.shortcuts import render

from portal.accounts.decorators import public
from portal.directory.models import Campaign


@public
def health(request):
    """Health check (and the benchmark's floor): one query, a small template."""
    return render(request, "health.html", {"campaigns": Campaign.objects.count()})
