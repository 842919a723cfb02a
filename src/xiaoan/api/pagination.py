"""Page-number pagination with a bounded page number, for every list operation of the API."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

# Far beyond any list of the city (100,000 pages of 50 rows); larger numbers overflow the database's offsets.
MAX_PAGE = 100_000


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=1000)
