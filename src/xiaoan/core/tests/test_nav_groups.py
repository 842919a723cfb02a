"""The navigation bar: modules' entries under a few headings, so that the bar holds on one line."""

import re

import pytest

from xiaoan.core.context_processors import nav_bar
from xiaoan.core.registry import NAV_GROUPS


def entry(key, group="", order=100):
    return {"key": key, "label": key, "url": f"/{key}/", "icon": "", "group": group, "order": order}


def test_a_group_with_two_visible_entries_is_a_menu_in_the_groups_place():
    bar = nav_bar([entry("report", order=5), entry("risks", "prevention", 20), entry("hazards", "prevention", 20)])
    assert [item["key"] for item in bar] == ["report", "prevention"]
    assert [item["key"] for item in bar[1]["menu"]] == ["risks", "hazards"]
    assert bar[1]["label"] == NAV_GROUPS["prevention"][0]


def test_a_group_with_one_visible_entry_shows_that_entry_in_the_groups_place():
    bar = nav_bar([entry("rules", "admin", 950), entry("units", "families", 10)])
    assert [(item["key"], item["order"], "menu" in item) for item in bar] == [
        ("units", NAV_GROUPS["families"][1], False),
        ("rules", NAV_GROUPS["admin"][1], False),
    ]


def test_an_unknown_group_leaves_the_entry_on_the_bar():
    assert [item["key"] for item in nav_bar([entry("x", "no-such-group", 1)])] == ["x"]


@pytest.mark.django_db
def test_a_school_safety_officer_sees_seven_headings_and_every_module_under_them(city):
    from xiaoan.risks.testing import school_safety_officer

    city.people["school_officer"] = school_safety_officer(city.school_a1)
    page = city.client_for("school_officer").get("/").content.decode()
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    bar = header.split('<ul class="navbar-nav">', 1)[1]
    menus = re.findall(r'<li class="nav-item xa-nav-group" data-nav-group="([\w.]+)">', bar)
    links = re.findall(r'<li class="nav-item"><a class="nav-link" href="[^"]+"(?: data-nav="([\w.]+)")?>', bar)
    assert menus == ["prevention", "families", "drills", "admin"]
    assert links == ["", "hazards.report", "compliance"]  # 首页 and the entries without a heading
    assert 'data-nav=""' not in bar
    for module in ("risks", "assets", "hazards.list", "inspections.due", "drills", "education", "training"):
        assert f'data-nav="{module}"' in bar, module
