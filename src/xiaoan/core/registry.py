"""Registries through which upper apps plug into the shell: navigation entries and home-page widgets.

An app registers in its ``AppConfig.ready``; the shell renders what is registered and nothing else, so
the navigation shows exactly the modules that exist and the home page has no empty placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # lazy translated string
    url_name: str
    icon: str = "circle"
    permission: str | None = None  # shown only when the active role has it
    order: int = 100
    group: str = ""  # a NAV_GROUPS key: listed under that heading; empty: on the bar itself


# The headings of the navigation bar (key: label, place on the bar). A group shows as a menu when the active role
# sees two or more of its entries, as its one entry when it sees one, and not at all when it sees none: with every
# module installed a school's safety officer has 18 entries, which no bar holds on one line.
NAV_GROUPS: dict[str, tuple[Any, int]] = {}


def register_nav_group(key: str, label: Any, order: int) -> None:
    NAV_GROUPS[key] = (label, order)


@dataclass(frozen=True)
class Widget:
    """A home-page widget: ``render(request) -> str | None``; None hides it (nothing to show).

    ``shared``: the widget shows the same to everyone acting in the same unit with the same role (a region's
    aggregates, read through ``for_user``), so the home page may reuse its HTML for ``WIDGET_CACHE_SECONDS``
    (docs/decisions.md 52). A widget that depends on the person (their own tasks) must leave it False.
    """

    key: str
    render: Callable[[Any], str | None]
    permission: str | None = None
    order: int = 100
    kinds: frozenset[str] = field(default_factory=frozenset)  # empty: every unit kind
    shared: bool = False


NAV: dict[str, NavItem] = {}
WIDGETS: dict[str, Widget] = {}


def register_nav(item: NavItem) -> None:
    NAV[item.key] = item


def register_widget(widget: Widget) -> None:
    WIDGETS[widget.key] = widget


def nav_items() -> list[NavItem]:
    return sorted(NAV.values(), key=lambda item: (item.order, item.key))


def widgets() -> list[Widget]:
    return sorted(WIDGETS.values(), key=lambda w: (w.order, w.key))


@dataclass(frozen=True)
class DemoSeeder:
    """Adds a module's demo data after the org tree and accounts exist: ``seed(scale=, seed=)``."""

    key: str
    seed: Callable[..., Any]
    order: int = 100


DEMO_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo_seeder(seeder: DemoSeeder) -> None:
    DEMO_SEEDERS[seeder.key] = seeder


def demo_seeders() -> list[DemoSeeder]:
    return sorted(DEMO_SEEDERS.values(), key=lambda s: (s.order, s.key))
