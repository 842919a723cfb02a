"""Reads of the org tree and its people: scoped lists with their filters, and the home-page roll-ups.

Every function starts from ``for_user`` so a list, a count or an export never holds a row from outside
the reader's part of the tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import Membership, Unit, User
from .roles import Role, Stage, UnitKind


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise a number, not enough to call it."""
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def _truthy(value: Any) -> bool | None:
    if value in (True, "1", "true", "yes", "on"):
        return True
    if value in (False, "0", "false", "no", "off"):
        return False
    return None


def unit_list(user: Any, filters: Mapping[str, Any] | None = None, action: str = "view") -> QuerySet[Unit]:
    """The units a user may see, narrowed by the list filters (kind, stage, county, boarding, buses, q)."""
    filters = filters or {}
    units = Unit.objects.for_user(user, action).select_related("parent")
    if filters.get("kind"):
        units = units.filter(kind=filters["kind"])
    if filters.get("stage"):
        units = units.filter(stage=filters["stage"])
    county = filters.get("county")
    if county:
        units = units.within(county.path if isinstance(county, Unit) else str(county))
    boarding = _truthy(filters.get("boarding"))
    if boarding is not None:
        units = units.filter(is_boarding=boarding)
    buses = _truthy(filters.get("buses"))
    if buses is not None:
        units = units.filter(runs_buses=buses)
    text = (filters.get("q") or "").strip()
    if text:
        units = units.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(code__startswith=text))
    return units.order_by("path")


def bureau_choices(user: Any, action: str = "view") -> QuerySet[Unit]:
    """Bureaus in scope: the parents a unit may be filtered by or created under."""
    return Unit.objects.for_user(user, action).exclude(kind=UnitKind.SCHOOL).order_by("path")


def people_list(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[User]:
    """People with a post in the user's scope; each carries ``posts``, its in-scope memberships."""
    filters = filters or {}
    posts = Membership.objects.for_user(user, "orgs.user.view")
    matching = posts
    unit = filters.get("unit")
    if unit:
        matching = matching.within(unit.path)
    if filters.get("role"):
        matching = matching.filter(role=filters["role"])
    people = User.objects.filter(pk__in=matching.values("user_id"))
    active = _truthy(filters.get("active"))
    if active is not None:
        people = people.filter(is_active=active)
    text = (filters.get("q") or "").strip()
    if text:
        people = people.filter(Q(full_name__icontains=text) | Q(username__icontains=text))
    shown_posts = posts.select_related("unit").order_by("unit__path", "role")
    return people.prefetch_related(Prefetch("memberships", queryset=shown_posts, to_attr="posts")).order_by(
        "full_name", "username"
    )


def person_posts(user: Any, person: User) -> QuerySet[Membership]:
    """A person's memberships that lie in the reader's scope (ended ones included, last)."""
    return (
        Membership.objects.for_user(user, "orgs.membership.view")
        .filter(user=person)
        .select_related("unit")
        .order_by("-is_active", "unit__path", "role")
    )


def units_below(user: Any, unit: Unit) -> dict[str, Any]:
    """Counts of county bureaus and of schools per stage below ``unit``, with pupils and staff: one query."""
    below = Unit.objects.for_user(user).within(unit.path).filter(is_active=True).exclude(pk=unit.pk)
    schools = Q(kind=UnitKind.SCHOOL)
    aggregates: dict[str, Any] = {
        "counties": Count("pk", filter=Q(kind=UnitKind.COUNTY_BUREAU)),
        "schools": Count("pk", filter=schools),
        "pupils": Coalesce(Sum("pupils", filter=schools), 0),
        "staff": Coalesce(Sum("staff_count", filter=schools), 0),
        "boarding": Count("pk", filter=schools & Q(is_boarding=True)),
        "buses": Count("pk", filter=schools & Q(runs_buses=True)),
    }
    for stage in Stage:
        aggregates[f"stage_{stage.value}"] = Count("pk", filter=schools & Q(stage=stage.value))
    totals = below.aggregate(**aggregates)
    totals["stages"] = [
        (stage, totals.pop(f"stage_{stage.value}")) for stage in Stage if totals[f"stage_{stage.value}"]
    ]
    return totals


def people_below(user: Any, unit: Unit) -> dict[str, Any]:
    """Active posts per role below ``unit`` and the number of active accounts holding them."""
    posts = Membership.objects.for_user(user, "orgs.membership.view").within(unit.path).filter(is_active=True)
    counts = posts.order_by().values("role").annotate(n=Count("user_id", distinct=True)).values_list("role", "n")
    by_role = dict(counts)
    accounts = User.objects.filter(pk__in=posts.values("user_id"), is_active=True).count()
    roles = [(role, by_role[role.value]) for role in Role if by_role.get(role.value)]
    return {"roles": roles, "accounts": accounts}
