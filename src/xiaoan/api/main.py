"""The HTTP API at /api/v1/: the same scoping, permissions and services as the pages, behind two doors
(the browser's session, with CSRF, and personal access tokens for integrations)."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from xiaoan.accounts.api_auth import TokenAuth
from xiaoan.core.errors import DomainError

from .docs import LocalDocs
from .people import router as people_router
from .schemas import Message
from .units import router as units_router

# Any operation may answer these: no or a revoked credential, a role without the permission, an object outside
# the caller's scope (or a filter naming one), input that fails validation. Documented once, for every operation.
COMMON_ERRORS = {401: "未登录或令牌无效", 403: "角色无权执行此操作", 404: "对象不存在或不在管辖范围内", 422: "输入无效"}


class XiaoanAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {}).setdefault("Message", Message.model_json_schema())
        body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in COMMON_ERRORS.items():
                    operation["responses"].setdefault(status, {"description": description, **body})
        return schema


api = XiaoanAPI(
    title="校安 Xiao'an API",
    version="1",
    description="校安平台接口。范围与权限与页面相同：范围外的对象返回 404，角色无权的操作返回 403。",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs=LocalDocs(),
)
api.add_router("/units", units_router, tags=["units"])
api.add_router("/people", people_router, tags=["people"])


def _add_module_routers() -> None:
    """Each domain app may expose ``api.py`` with ``router`` (and ``PREFIX``, default "/<app label>")."""
    for config in apps.get_app_configs():
        if not config.name.startswith("xiaoan.") or config.name.startswith(("xiaoan.core", "xiaoan.api")):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        prefix = getattr(module, "PREFIX", f"/{config.label}")
        api.add_router(prefix, module.router, tags=[config.label])


_add_module_routers()


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到。 Not found.")}, status=404)


@api.exception_handler(OverflowError)
def beyond_any_row(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """An id or page number too large for the database (SQLite's 64-bit integers) names nothing that exists."""
    return api.create_response(request, {"detail": _("未找到。 Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)
