"""A plain, local page listing the API's operations, read from the OpenAPI document itself.

Bureaus run on intranets: the page loads no script, font or style sheet from anywhere (ninja's Swagger UI
would fetch its validator badge from the internet), so it works offline and leaks nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import reverse
from ninja.openapi.docs import DocsBase

TEMPLATE = Path(__file__).with_name("docs.html")
METHODS = ("get", "post", "put", "patch", "delete")


class LocalDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": operation.get("parameters", []),
                "has_body": "requestBody" in operation,
                "responses": sorted(operation.get("responses", {})),
            }
            for path, item in schema["paths"].items()
            for method in METHODS
            if (operation := item.get(method))
        ]
        context = {
            "title": api.title,
            "version": api.version,
            "description": api.description,
            "openapi_url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs),
            "operations": operations,
        }
        return HttpResponse(Template(TEMPLATE.read_text(encoding="utf-8")).render(Context(context)))
