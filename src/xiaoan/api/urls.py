from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .main import api


@csrf_exempt  # answers every method with the same 404; no state to protect
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Unknown API paths (and ids the URL patterns cannot match, such as negative ones) answer JSON, not a page."""
    return JsonResponse({"detail": _("未找到。 Not found.")}, status=404)


urlpatterns = [path("", api.urls), re_path(r"^(?P<rest>.*)$", not_found, name="api-not-found")]
