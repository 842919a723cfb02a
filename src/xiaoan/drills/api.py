"""Drills over the API: list (in scope), one drill, plan a drill at the caller's school."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.errors import PermissionDenied
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.policy import active_membership

from . import selectors, services
from .models import Drill, DrillKind

router = Router()
PREFIX = "/drills"
ERRORS: dict[int, Any] = {403: Message, 404: Message, 422: Message}


class DrillOut(Schema):
    id: int
    unit_id: int
    kind: str
    state: str
    planned_on: dt.date
    scope: str
    scenario: str
    held_at: dt.datetime | None
    participants: int | None
    evacuation_seconds: int | None
    target_seconds: int | None
    problems: str
    summary: str


class DrillIn(Schema):
    kind: DrillKind
    planned_on: dt.date
    scope: str
    scenario: str = ""


@router.get("", response=list[DrillOut], summary="演练列表")
@paginate(PageNumberPagination, page_size=50)
def list_drills(request: HttpRequest, state: Drill.State | None = None, kind: DrillKind | None = None) -> Any:
    ensure_allowed(actor(request), "drills.drill.view")  # as the page: a role without the permission gets 403
    filters = {key: value for key, value in {"state": state, "kind": kind}.items() if value}
    return selectors.drill_list(actor(request), filters)


@router.get("/{int:drill_id}", response={200: DrillOut, **ERRORS}, summary="演练详情")
def get_drill(request: HttpRequest, drill_id: int) -> Any:
    return get_for_user(Drill, actor(request), drill_id)


@router.post("", response={201: DrillOut, **ERRORS}, summary="计划演练（在当前身份所在的学校）")
def create_drill(request: HttpRequest, payload: DrillIn) -> Any:
    user = actor(request)
    membership = active_membership(user)
    if membership is None:
        raise PermissionDenied()
    drill = services.drill_plan(actor=user, unit=membership.unit, **payload.dict())
    return Status(201, drill)
