"""The site's URLs plus views that raise each kind of error, for the error-handling tests."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.urls import path

from xiaoan.config.urls import urlpatterns as site_urlpatterns
from xiaoan.core.errors import Conflict
from xiaoan.core.scoping import ensure_allowed
from xiaoan.orgs.models import Unit


def change_unit(request):
    ensure_allowed(request.user, "orgs.unit.change")
    return HttpResponse("changed")


def django_denied(request):
    raise DjangoPermissionDenied


def conflict(request):
    raise Conflict()


def leaky(request):
    return HttpResponse(str(Unit.objects.count()))


urlpatterns = [
    *site_urlpatterns,
    path("test/change-unit/", change_unit),
    path("api/test/change-unit/", change_unit),
    path("test/django-denied/", django_denied),
    path("test/conflict/", conflict),
    path("test/leaky/", leaky),
]
