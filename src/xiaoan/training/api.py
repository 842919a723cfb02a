"""Training sessions over the API: the list (as filtered on the page) and one session with its attendees."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.scoping import ensure_allowed, get_for_user

from . import selectors
from .models import TrainingSession

PREFIX = "/training/sessions"
router = Router()


class SessionFilters(Schema):
    category: str | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    fire: bool | None = None
    q: str | None = None


class SessionOut(Schema):
    id: int
    number: str
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    title: str
    category: str
    date: dt.date
    hours: Decimal
    provider: str
    is_fire_training: bool


class RecordOut(Schema):
    id: int
    name: str
    user_id: int | None
    id_number: str = Field(..., alias="masked_id")
    certificate_no: str
    certificate_expiry: dt.date | None


class SessionDetailOut(SessionOut):
    attendees: list[RecordOut]


@router.get("", response=list[SessionOut], summary="培训场次列表")
@paginate(PageNumberPagination, page_size=50)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]) -> Any:
    ensure_allowed(actor(request), selectors.VIEW)
    return selectors.session_list(actor(request), filters.dict(exclude_none=True))


@router.get("/{int:session_id}", response={200: SessionDetailOut, 403: Message, 404: Message}, summary="培训场次详情")
def get_session(request: HttpRequest, session_id: int) -> Any:
    session = get_for_user(TrainingSession.objects.select_related("unit"), actor(request), session_id)
    session.attendees = list(selectors.session_records(actor(request), session))
    return session
