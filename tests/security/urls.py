"""The portal's URLs plus two views that fail on purpose (error pages, refused-object auditing)."""

from django.http import Http404
from django.urls import include, path


def boom(request):
    raise RuntimeError("deliberate failure with a secret stack trace")


def not_yours(request, pk):
    raise Http404("申报不存在")


urlpatterns = [
    path("enterprise/_test/application/<int:pk>/", not_yours),
    path("_test/boom/", boom),
    path("", include("portal.urls")),
]
