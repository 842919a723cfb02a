"""The HTTP API (django-ninja) at /api/v1/: same scoping and permissions as the pages."""
