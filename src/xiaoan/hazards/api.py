"""Hazards in the API: the list (the page's filters), one hazard, a report, and the workflow steps — the same
selectors, services and scoping as the pages (404 outside scope, 403 for a role that may not act).

Writes are form posts (``multipart/form-data`` or urlencoded) so photos travel with them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from xiaoan.api.auth import actor
from xiaoan.api.pagination import MAX_PAGE
from xiaoan.api.schemas import Message, number, rounded
from xiaoan.core.errors import TransitionNotAllowed
from xiaoan.core.scoping import get_for_user
from xiaoan.orgs.models import Unit, User

from . import selectors, services
from .models import Category, Hazard
from .workflow import HAZARD_WORKFLOW

PREFIX = "/hazards"
# optional multipart photos (module-level: a call in a default argument would be evaluated once anyway)
REPORT_PHOTOS = File(None, description="整改前照片")
STEP_PHOTOS = File(None, description="申请验收时的整改后照片")
router = Router()
ERRORS: dict[int, Any] = {400: Message, 403: Message, 404: Message, 409: Message, 422: Message}


class HazardOut(Schema):
    id: int
    number: str | None
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    category: str
    place: str
    description: str
    source: str
    state: str
    grade: str
    reported_at: dt.datetime
    responsible_id: int | None
    responsible_post: str
    measures: str
    funds: Decimal | None
    deadline: dt.date | None
    is_overdue: bool
    is_supervised: bool
    accepted_at: dt.datetime | None
    closed_at: dt.datetime | None


class HazardPage(Schema):
    items: list[HazardOut]
    page: int
    has_next: bool


EARLIEST_DAY = dt.date(2000, 1, 1)


class HazardFilters(Schema):
    county: int | None = None
    school: int | None = None
    category: str | None = None
    grade: str | None = None
    state: str | None = Field(None, description="状态，或 open（未销号）")
    overdue: bool | None = None
    supervised: bool | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)


class ReportIn(Schema):
    unit_id: int
    category: Category
    place: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=2000)


# kept to the fen, at most 9,999,999,999.99 yuan: the schema states the largest value that still fits after
# rounding (an exclusive 10^10 would admit 9999999999.996, which rounds up to 10^10 and is refused)
MAX_FUNDS = Decimal("9999999999.99")
Funds = Annotated[Decimal, rounded(2), Field(ge=0, le=MAX_FUNDS), number(minimum=0, maximum=float(MAX_FUNDS))]


class StepIn(Schema):
    comment: str = ""
    grade: str = ""
    category: str = ""
    # a form cannot send null: these are omitted when not given (so they are not described as nullable)
    responsible_id: int = None  # type: ignore[assignment]
    responsible_post: str = ""
    measures: str = ""
    funds: Funds = None  # type: ignore[assignment]
    deadline: dt.date = None  # type: ignore[assignment]
    goal: str = ""
    organisation: str = ""
    materials: str = ""
    safety_measures: str = ""
    contingency_plan: str = ""


def _filters(user: Any, query: HazardFilters) -> dict[str, Any]:
    wanted = query.dict(exclude_none=True)
    wanted.pop("page", None)
    for key in ("county", "school"):
        if key in wanted:
            wanted[key] = get_for_user(Unit, user, wanted[key])
    for key in ("overdue", "supervised"):
        if key in wanted:
            wanted[key] = "1" if wanted[key] else "0"
    for key in ("reported_from", "reported_to"):
        if key in wanted:  # no hazard predates the platform; SQLite cannot compare dates before the year 1000
            wanted[key] = max(wanted[key], EARLIEST_DAY)
    return wanted


@router.get("", response={200: HazardPage, **ERRORS}, summary="隐患清单（按页，不计总数）")
def list_hazards(request: HttpRequest, filters: Query[HazardFilters]) -> Any:
    user = actor(request)
    page = selectors.window(selectors.hazard_list(user, _filters(user, filters)), filters.page)
    return {"items": page.object_list, "page": page.number, "has_next": page.has_next}


@router.get("/{int:hazard_id}", response={200: HazardOut, **ERRORS}, summary="隐患详情")
def get_hazard(request: HttpRequest, hazard_id: int) -> Any:
    return get_for_user(Hazard.objects.select_related("unit"), actor(request), hazard_id)


@router.post("", response={201: HazardOut, **ERRORS}, summary="报告隐患（可附照片）")
def report_hazard(request: HttpRequest, payload: Form[ReportIn], photos: list[UploadedFile] = REPORT_PHOTOS) -> Any:
    user = actor(request)
    unit = get_for_user(Unit, user, payload.unit_id)
    hazard = services.hazard_report(
        actor=user,
        unit=unit,
        category=payload.category,
        place=payload.place,
        description=payload.description,
        photos=photos or [],
    )
    return Status(201, hazard)


@router.post(
    "/{int:hazard_id}/transitions/{name}", response={200: HazardOut, **ERRORS}, summary="办理一步（定级、整改、验收…）"
)
def fire_transition(
    request: HttpRequest,
    hazard_id: int,
    name: str,
    payload: Form[StepIn],
    photos: list[UploadedFile] = STEP_PHOTOS,
) -> Any:
    user = actor(request)
    transition = HAZARD_WORKFLOW.by_name.get(name)
    if transition is None or transition.permission is None:
        raise TransitionNotAllowed()
    hazard = get_for_user(Hazard.objects.select_related("unit"), user, hazard_id, action=transition.permission)
    data = payload.dict()
    if name == "grade":
        return services.hazard_grade(
            actor=user, hazard=hazard, grade=data["grade"], category=data["category"], comment=data["comment"]
        )
    if name == "assign":
        responsible_id = data.pop("responsible_id")
        responsible = User.objects.filter(pk=responsible_id).first() if responsible_id else None
        for key in ("grade", "category"):
            data.pop(key)
        return services.hazard_assign(actor=user, hazard=hazard, responsible=responsible, **data)
    if name == "request_acceptance":
        return services.hazard_request_acceptance(
            actor=user, hazard=hazard, photos=photos or [], comment=data["comment"]
        )
    return services.hazard_transition(actor=user, hazard=hazard, name=name, comment=data["comment"])
