"""Inspections API: the checklists a user may use, inspection records (list and one with its answers)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.scoping import get_for_user

from . import selectors

PREFIX = "/inspections"
router = Router()
ERRORS: dict[int, Any] = {403: Message, 404: Message}


class TemplateOut(Schema):
    id: int
    title: str
    owner_id: int | None = Field(None, description="发布单位；空为系统内置模板")
    version: int
    hazard_category: str
    checks_assets: bool
    stages: list[str]
    is_active: bool


class InspectionOut(Schema):
    id: int
    school_id: int
    template_id: int = Field(alias="version.template_id")
    template_title: str = Field(alias="version.template.title")
    version: int = Field(alias="version.number")
    plan_id: int | None
    campaign_id: int | None
    period_key: str
    inspector_id: int | None
    state: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    failed_count: int


class AnswerOut(Schema):
    item: str = Field(alias="item.text")
    section: str = Field(alias="item.section.title")
    result: str
    number: Decimal | None
    text: str
    note: str
    hazard_id: int | None


class InspectionDetailOut(InspectionOut):
    note: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(inspection: Any) -> list[Any]:
        return selectors.answers_of(inspection)


class InspectionFilters(Schema):
    school: int | None = Field(None, description="学校 id")
    state: str | None = Field(None, description="draft / submitted")
    campaign: int | None = None


@router.get("/templates", response=list[TemplateOut], summary="可用的检查表模板")
@paginate(PageNumberPagination, page_size=50)
def list_templates(request: HttpRequest) -> Any:
    return selectors.template_list(actor(request)).order_by("pk")


@router.get("/records", response=list[InspectionOut], summary="排查记录")
@paginate(PageNumberPagination, page_size=50)
def list_inspections(request: HttpRequest, filters: Query[InspectionFilters]) -> Any:
    wanted = filters.dict(exclude_none=True)
    inspections = selectors.inspection_list(actor(request))
    if "school" in wanted:
        inspections = inspections.filter(school_id=wanted["school"])
    if "state" in wanted:
        inspections = inspections.filter(state=wanted["state"])
    if "campaign" in wanted:
        inspections = inspections.filter(campaign_id=wanted["campaign"])
    return inspections


@router.get("/records/{int:inspection_id}", response={200: InspectionDetailOut, **ERRORS}, summary="排查记录详情")
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    return get_for_user(selectors.inspection_list(actor(request)), actor(request), inspection_id)
