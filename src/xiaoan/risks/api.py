"""Risk points over the API: the list (filters as on the page) and one risk point, scoped like the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.models import Unit

from . import selectors
from .models import GradingMethod, RiskKind, RiskLevel, RiskPoint

PREFIX = "/risks"
router = Router()


class RiskPointOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    name: str
    place: str
    kind: RiskKind
    hazard_factors: str
    consequences: str
    method: GradingMethod
    likelihood: Decimal | None
    exposure: Decimal | None
    consequence: Decimal | None
    score: Decimal | None
    level: RiskLevel
    graded_on: dt.date
    control_measures: str
    responsible_id: int | None
    responsible_name: str
    responsible_post: str
    review_cycle_days: int
    last_reviewed_on: dt.date
    review_due: dt.date
    review_overdue: bool

    @staticmethod
    def resolve_responsible_name(point: RiskPoint) -> str:
        return point.responsible.display_name if point.responsible else ""

    @staticmethod
    def resolve_review_overdue(point: RiskPoint) -> bool:
        return point.review_due < timezone.localdate()


class RiskFilters(Schema):
    unit: int | None = Field(None, description="单位 id：只列该单位及其下级的风险点")
    level: RiskLevel | None = None
    kind: RiskKind | None = None
    q: str | None = Field(None, description="名称或位置包含")
    responsible: str | None = Field(None, description="责任人姓名或岗位包含")
    overdue: bool | None = Field(None, description="只列复核逾期的风险点")


@router.get("", response=list[RiskPointOut], summary="风险点列表")
@paginate(PageNumberPagination, page_size=50)
def list_risk_points(request: HttpRequest, filters: Query[RiskFilters]) -> Any:
    user = actor(request)
    ensure_allowed(user, "risks.riskpoint.view")
    wanted: dict[str, Any] = filters.dict(exclude_none=True)
    if "unit" in wanted:
        wanted["unit"] = get_for_user(Unit, user, wanted["unit"])
    return selectors.risk_point_list(user, wanted)


@router.get("/{int:risk_id}", response={200: RiskPointOut, 403: Message, 404: Message}, summary="风险点详情")
def get_risk_point(request: HttpRequest, risk_id: int) -> Any:
    return get_for_user(RiskPoint.objects.select_related("unit", "responsible"), actor(request), risk_id)
