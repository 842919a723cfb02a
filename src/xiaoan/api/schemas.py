"""Shapes of the API's requests and answers (phone numbers always masked)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

from xiaoan.orgs.roles import Role, Stage, UnitKind
from xiaoan.orgs.selectors import mask_phone


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: UnitKind
    code: str
    parent_id: int | None
    depth: int
    stage: Stage | None = None
    is_boarding: bool
    pupils: int
    boarders: int
    staff_count: int
    runs_buses: bool
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    phone: str
    is_active: bool

    @staticmethod
    def resolve_stage(unit) -> str | None:
        return unit.stage or None


class UnitFilters(Schema):
    q: str | None = Field(None, description="名称、简称或代码开头")
    kind: UnitKind | None = None
    stage: Stage | None = None
    county: int | None = Field(None, description="县级单位 id：只列其下的单位")
    boarding: bool | None = None
    buses: bool | None = None


def rounded(places: int) -> BeforeValidator:
    """Numbers are kept to ``places`` decimals whatever precision a client sends (coordinates: about 0.1 m)."""

    def to_decimal(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            return value
        try:
            return Decimal(str(round(float(value), places)))
        except (ValueError, OverflowError):
            return value  # left to the type check, which words the error

    return BeforeValidator(to_decimal)


def number(**bounds: float) -> WithJsonSchema:
    """Described as a number (a Decimal alone is described as "number or any string")."""
    return WithJsonSchema({"type": "number", **bounds})


Latitude = Annotated[Decimal, rounded(6), Field(ge=-90, le=90), number(minimum=-90, maximum=90)]
Longitude = Annotated[Decimal, rounded(6), Field(ge=-180, le=180), number(minimum=-180, maximum=180)]


class UnitFields(Schema):
    short_name: str = ""
    stage: Stage | None = None
    is_boarding: bool = False
    pupils: int = Field(0, ge=0)
    boarders: int = Field(0, ge=0)
    staff_count: int = Field(0, ge=0)
    runs_buses: bool = False
    address: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    phone: str = ""


class UnitIn(UnitFields):
    parent_id: int
    name: str = Field(..., min_length=1, max_length=100)
    kind: UnitKind
    code: str = Field(..., min_length=6, max_length=16)


class UnitPatch(Schema):
    """Only the fields sent are changed; ``parent_id`` moves the unit."""

    parent_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    short_name: str | None = None
    kind: UnitKind | None = None
    code: str | None = Field(None, min_length=6, max_length=16)
    stage: Stage | None = None
    is_boarding: bool | None = None
    pupils: int | None = Field(None, ge=0)
    boarders: int | None = Field(None, ge=0)
    staff_count: int | None = Field(None, ge=0)
    runs_buses: bool | None = None
    address: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    phone: str | None = None
    is_active: bool | None = None


class PostOut(Schema):
    id: int
    unit_id: int
    unit_name: str = Field(..., alias="unit.name")
    role: Role
    title: str
    is_active: bool


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    email: str
    is_active: bool
    posts: list[PostOut] = Field(default_factory=list, description="在您管辖范围内的任职")

    @staticmethod
    def resolve_phone(person) -> str:
        return mask_phone(person.phone)

    @staticmethod
    def resolve_posts(person) -> list:
        return list(getattr(person, "posts", []))


class PersonFilters(Schema):
    q: str | None = None
    unit: int | None = Field(None, description="单位 id：在该单位及其下级任职的人员")
    role: Role | None = None
    active: bool | None = None


class Message(Schema):
    detail: str | list
