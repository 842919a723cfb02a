"""Letters to parents over the API: the letters a caller may see, one letter, and its receipt rates one level down.

No pupil names here: the API serves dashboards and integrations, which work with rates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.scoping import ensure_allowed

from . import selectors
from .views import letter_for

PREFIX = "/families"
router = Router()
ERRORS: dict[int, Any] = {403: Message, 404: Message}


class LetterOut(Schema):
    id: int
    title: str
    unit_id: int
    unit_name: str
    state: str
    deadline: dt.date
    published_at: dt.datetime | None
    items: list[str]

    @staticmethod
    def resolve_unit_name(letter) -> str:
        return letter.unit.name


class RateOut(Schema):
    name: str
    unit_id: int | None = None
    class_id: int | None = None
    owed: int
    confirmed: int
    percent: float


class ProgressOut(Schema):
    letter_id: int
    owed: int
    confirmed: int
    percent: float
    rows: list[RateOut]


@router.get("/letters", response=list[LetterOut], summary="致家长的一封信列表")
@paginate(PageNumberPagination, page_size=50)
def list_letters(request: HttpRequest) -> Any:
    ensure_allowed(actor(request), "families.letter.view")
    return selectors.visible_letters(actor(request)).order_by("-created_at", "-pk")


@router.get("/letters/{int:letter_id}", response={200: LetterOut, **ERRORS}, summary="信件详情")
def get_letter(request: HttpRequest, letter_id: int) -> Any:
    return letter_for(actor(request), letter_id)


@router.get("/letters/{int:letter_id}/progress", response={200: ProgressOut, **ERRORS}, summary="回执进度（下一级）")
def letter_progress(request: HttpRequest, letter_id: int) -> Any:
    letter = letter_for(actor(request), letter_id)
    rows = selectors.breakdown(actor(request), letter)
    total = selectors.total(rows)
    return {
        "letter_id": letter.pk,
        "owed": total.owed,
        "confirmed": total.confirmed,
        "percent": total.percent,
        "rows": [
            {
                "name": row.name,
                "unit_id": row.unit.pk if row.unit else None,
                "class_id": row.school_class.pk if row.school_class else None,
                "owed": row.rate.owed,
                "confirmed": row.rate.confirmed,
                "percent": row.rate.percent,
            }
            for row in rows
        ],
    }
