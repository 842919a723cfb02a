"""Permissions declared as data: each app's ``permissions.py`` maps ``app.model.action`` to the roles allowed.

A value is a set of roles, or a ``Rule`` that also names the unit kinds (city, county, school) whose
members may act. The one checker (``MembershipPolicy.allows``) reads only this registry.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from .roles import ALL_ROLES, Role, UnitKind


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    kinds: frozenset[str] = field(default_factory=lambda: frozenset(UnitKind))


REGISTRY: dict[str, Rule] = {}


def declare(permissions: dict[str, Any]) -> None:
    """Values: a set of role names, a ``Rule``, or ``{"roles": {...}, "kinds": {...}}`` (for core apps,
    which cannot import ``Rule``)."""
    for name, value in permissions.items():
        if isinstance(value, Rule):
            rule = value
        elif isinstance(value, dict):
            rule = Rule(roles=frozenset(value["roles"]), kinds=frozenset(value.get("kinds", UnitKind)))
        else:
            rule = Rule(roles=frozenset(value))
        if name in REGISTRY and REGISTRY[name] != rule:
            raise ValueError(f"Permission {name} declared twice with different rules")
        REGISTRY[name] = rule


def collect_permissions() -> None:
    """Import ``permissions`` from every installed xiaoan app and register its PERMISSIONS."""
    for config in apps.get_app_configs():
        if not config.name.startswith("xiaoan."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.permissions":
                raise
            continue
        declare(getattr(module, "PERMISSIONS", {}))


def rule_for(name: str) -> Rule | None:
    return REGISTRY.get(name)


ADMINS = frozenset({Role.UNIT_ADMIN})
BUREAUS = frozenset({UnitKind.CITY_BUREAU, UnitKind.COUNTY_BUREAU})

PERMISSIONS: dict[str, Rule | frozenset[str] | set[str]] = {
    # units of the tree
    "orgs.unit.view": ALL_ROLES,
    "orgs.unit.export": ALL_ROLES - {Role.GUARD, Role.BUS_DRIVER, Role.BUS_ATTENDANT},
    "orgs.unit.change": ADMINS,
    "orgs.unit.create": Rule(roles=ADMINS, kinds=BUREAUS),
    "orgs.unit.import": Rule(roles=ADMINS, kinds=BUREAUS),
    # people and their memberships
    "orgs.user.view": ADMINS | {Role.LEADER, Role.SAFETY_OFFICER, Role.VIEWER},
    "orgs.user.change": ADMINS,
    "orgs.user.create": ADMINS,
    "orgs.user.import": ADMINS,
    "orgs.user.overview": ADMINS | {Role.LEADER},  # the "people below" counts on the home page
    "orgs.membership.view": ADMINS | {Role.LEADER, Role.SAFETY_OFFICER, Role.VIEWER},
    "orgs.membership.change": ADMINS,
    "orgs.membership.create": ADMINS,
}
