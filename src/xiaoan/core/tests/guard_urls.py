"""URLs used only by the guard tests: one view that forgets ``for_user`` and one that does not."""

from django.http import HttpResponse
from django.urls import path

from xiaoan.orgs.models import Unit


def leaky_view(request):
    return HttpResponse(", ".join(unit.name for unit in Unit.objects.all()))


def scoped_view(request):
    return HttpResponse(", ".join(unit.name for unit in Unit.objects.for_user(request.user)))


def related_view(request):
    unit = Unit.objects.for_user(request.user).get(code="411302")
    return HttpResponse(", ".join(child.name for child in unit.children.all()))


urlpatterns = [
    path("leaky/", leaky_view),
    path("scoped/", scoped_view),
    path("related/", related_view),
]
