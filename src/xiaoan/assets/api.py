"""Safety assets over the API: the list (filters as on the page) and one asset, scoped like the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xiaoan.api.auth import actor
from xiaoan.api.pagination import PageNumberPagination
from xiaoan.api.schemas import Message
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.models import Unit

from . import selectors
from .models import AssetKind, AssetStatus, SafetyAsset

PREFIX = "/assets"
router = Router()


class AssetOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    kind: AssetKind
    name: str
    location: str
    quantity: int
    serial: str
    installed_on: dt.date | None
    check_cycle_days: int
    last_checked_on: dt.date | None
    next_check_due: dt.date
    expires_on: dt.date | None
    status: AssetStatus
    due_state: str = Field("", description="faulty / expired / check_overdue / expiring / check_soon，或空")

    @staticmethod
    def resolve_due_state(asset: SafetyAsset) -> str:
        return asset.due_state()


class AssetFilters(Schema):
    unit: int | None = Field(None, description="单位 id：只列该单位及其下级的设施")
    kind: AssetKind | None = None
    status: AssetStatus | None = None
    due: str | None = Field(
        None, pattern="^(any|overdue|expiring|faulty)$", description="any、overdue、expiring、faulty"
    )
    q: str | None = Field(None, description="位置、名称包含，或编号")


@router.get("", response=list[AssetOut], summary="安全设施列表")
@paginate(PageNumberPagination, page_size=50)
def list_assets(request: HttpRequest, filters: Query[AssetFilters]) -> Any:
    user = actor(request)
    ensure_allowed(user, "assets.safetyasset.view")
    wanted: dict[str, Any] = filters.dict(exclude_none=True)
    if "unit" in wanted:
        wanted["unit"] = get_for_user(Unit, user, wanted["unit"])
    return selectors.asset_list(user, wanted)


@router.get("/{int:asset_id}", response={200: AssetOut, 403: Message, 404: Message}, summary="安全设施详情")
def get_asset(request: HttpRequest, asset_id: int) -> Any:
    return get_for_user(SafetyAsset.objects.select_related("unit"), actor(request), asset_id)
