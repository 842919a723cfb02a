from django.urls import reverse

from xiaoan.orgs.roles import Stage, UnitKind
from xiaoan.orgs.testing import make_unit


def widget(body, key):
    body = body.replace(",", "")  # thousands separators depend on the locale
    start = body.index(f'data-widget="{key}"')
    return body[start : body.index("</div>\n</div>", start)]


def test_the_home_page_of_a_county_counts_only_its_own_schools_and_pupils(city):
    body = city.client_for("county_a_officer").get(reverse("home")).content.decode()
    units = widget(body, "orgs.units_below")
    assert 'data-testid="count-schools">2<' in units
    assert 'data-testid="count-pupils">1500<' in units  # 1200 + 300, not county B's 1500 more
    assert 'data-stage="junior"' not in units


def test_the_city_home_page_counts_the_whole_tree(city):
    make_unit(city.county_b, "卧龙区寄宿小学", UnitKind.SCHOOL, "2141130302", stage=Stage.PRIMARY, is_boarding=True)
    city.city_officer.refresh_from_db()
    units = widget(city.client_for("city_officer").get(reverse("home")).content.decode(), "orgs.units_below")
    assert 'data-testid="count-counties">2<' in units
    assert 'data-testid="count-schools">4<' in units
    assert 'data-stage="primary">2<' in units and "寄宿制学校" in units


def test_a_school_user_gets_the_own_school_card_instead_of_the_units_below(city):
    body = city.client_for("principal").get(reverse("home")).content.decode()
    assert 'data-widget="orgs.my_school"' in body and 'data-widget="orgs.units_below"' not in body
    assert 'data-testid="school-pupils">1200<' in widget(body, "orgs.my_school")


def test_people_counts_are_shown_to_admins_and_only_for_their_subtree(city):
    people = widget(city.client_for("county_a_admin").get(reverse("home")).content.decode(), "orgs.people_below")
    assert 'data-role="staff">1<' in people and 'data-role="guard">1<' in people
    assert 'data-role="safety_officer">1<' in people  # county A's officer, not county B's nor the city's


def test_people_counts_are_hidden_from_roles_that_do_not_lead(city):
    body = city.client_for("county_a_officer").get(reverse("home")).content.decode()
    assert 'data-widget="orgs.people_below"' not in body


def test_the_navigation_shows_people_only_to_roles_that_may_see_them(city):
    admin = city.client_for("county_a_admin").get(reverse("home")).content.decode()
    teacher = city.client_for("teacher").get(reverse("home")).content.decode()
    assert 'data-nav="orgs.people"' in admin and 'data-nav="orgs.units"' in admin
    assert 'data-nav="orgs.people"' not in teacher and 'data-nav="orgs.units"' in teacher


def test_the_active_unit_path_is_visible_on_every_page(city):
    body = city.client_for("teacher").get(reverse("orgs:unit_list")).content.decode()
    path = body[body.index('data-testid="unit-path"') :]
    assert path.index("南阳市教育局") < path.index("宛城区教育体育局") < path.index("宛城区第一小学")
