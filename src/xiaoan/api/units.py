"""Units of the tree: list (filters as on the page), one unit, create under an in-scope bureau, change."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from xiaoan.api.pagination import PageNumberPagination
from xiaoan.core.scoping import get_for_user
from xiaoan.orgs import selectors, services
from xiaoan.orgs.models import Unit

from .auth import actor
from .schemas import Message, UnitFilters, UnitIn, UnitOut, UnitPatch

router = Router()
ERRORS: dict[int, Any] = {403: Message, 404: Message, 422: Message}
TEXT_FIELDS = {"short_name", "stage", "address", "phone"}


@router.get("", response=list[UnitOut], summary="单位列表")
@paginate(PageNumberPagination, page_size=50)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    wanted = filters.dict(exclude_none=True)
    if "county" in wanted:
        wanted["county"] = get_for_user(Unit, actor(request), wanted["county"])
    return selectors.unit_list(actor(request), wanted)


@router.get("/{int:unit_id}", response={200: UnitOut, **ERRORS}, summary="单位详情")
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return get_for_user(Unit, actor(request), unit_id)


@router.post("", response={201: UnitOut, **ERRORS}, summary="新建单位（在管辖范围内的上级单位下）")
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    fields = payload.dict()
    parent = get_for_user(Unit, actor(request), fields.pop("parent_id"))
    fields["stage"] = fields["stage"] or ""
    return Status(201, services.unit_create(actor=actor(request), parent=parent, **fields))


@router.patch("/{int:unit_id}", response={200: UnitOut, **ERRORS}, summary="修改单位（只改提交的字段）")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    unit = get_for_user(Unit, actor(request), unit_id, action="change")
    fields = payload.dict(exclude_unset=True)
    parent_id = fields.pop("parent_id", None)
    parent = get_for_user(Unit, actor(request), parent_id) if parent_id is not None else None
    fields = {key: ("" if value is None and key in TEXT_FIELDS else value) for key, value in fields.items()}
    return services.unit_update(actor=actor(request), unit=unit, parent=parent, **fields)
