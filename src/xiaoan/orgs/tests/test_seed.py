from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from xiaoan.orgs.demo.builder import plan
from xiaoan.orgs.demo.places import COUNTIES
from xiaoan.orgs.models import Membership, Unit, User, validate_unit_code
from xiaoan.orgs.roles import Role, Stage, UnitKind

COUNTY_LEVEL_NAMES = [
    "宛城区",
    "卧龙区",
    "南召县",
    "方城县",
    "西峡县",
    "镇平县",
    "内乡县",
    "淅川县",
    "社旗县",
    "唐河县",
    "新野县",
    "桐柏县",
    "邓州市",
    "城乡一体化示范区教育中心",
    "鸭河工区社会事业局",
    "官庄工区社会事业局",
    "油田教育中心",
]
REGION_CODES = {
    "宛城区": "411302",
    "卧龙区": "411303",
    "南召县": "411321",
    "方城县": "411322",
    "西峡县": "411323",
    "镇平县": "411324",
    "内乡县": "411325",
    "淅川县": "411326",
    "社旗县": "411327",
    "唐河县": "411328",
    "新野县": "411329",
    "桐柏县": "411330",
    "邓州市": "411381",
    "示范区": "411300SF",
    "鸭河工区": "411300YH",
    "官庄工区": "411300GZ",
    "油田": "411300YT",
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEMO_MODE = False
    return tmp_path


@pytest.fixture(scope="class")
def demo_city(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city, seeded once per class inside a transaction that is rolled back afterwards."""
    var_dir = tmp_path_factory.mktemp("var")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=var_dir, DEMO_MODE=False), transaction.atomic():
        yield SimpleNamespace(output=seed(), var_dir=var_dir)
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_city, db):
    return demo_city.output


def units():
    return Unit.objects.system("test")


def counties():
    return units().filter(kind=UnitKind.COUNTY_BUREAU)


class TestTheDemoCity:
    def test_it_builds_one_city_bureau_with_the_nanyang_code(self, demo):
        city = units().get(kind=UnitKind.CITY_BUREAU)
        assert (city.name, city.code, city.parent_id, city.depth) == ("南阳市教育局", "411300", None, 0)

    def test_it_builds_the_seventeen_county_level_units_named_in_the_notice(self, demo):
        names = list(counties().values_list("name", flat=True))
        assert len(names) == 17
        for expected in COUNTY_LEVEL_NAMES:
            assert sum(expected in name for name in names) == 1, expected

    def test_it_gives_county_level_units_their_region_codes_or_the_city_code_with_a_suffix(self, demo):
        for county in counties():
            expected = [code for key, code in REGION_CODES.items() if key in county.name]
            assert expected == [county.code], county.name

    def test_every_unit_code_is_valid_and_unique(self, demo):
        codes = list(units().values_list("kind", "code"))
        for kind, code in codes:
            validate_unit_code(kind, code)
        assert len({code for _, code in codes}) == len(codes)

    def test_every_stage_is_present_below_each_county_level_unit(self, demo):
        for county in counties():
            stages = set(units().filter(parent=county).values_list("stage", flat=True))
            assert stages == set(Stage.values), county.name

    def test_it_has_about_ten_schools_per_county_level_unit_in_demo_scale(self, demo):
        for county in counties():
            assert 8 <= units().filter(parent=county).count() <= 12, county.name

    def test_it_puts_schools_directly_under_the_city_bureau(self, demo):
        city = units().get(kind=UnitKind.CITY_BUREAU)
        direct = set(units().filter(parent=city, kind=UnitKind.SCHOOL).values_list("name", flat=True))
        assert {"南阳市第一中学", "南阳市第五完全学校", "南阳市特殊教育学校", "南阳市实验幼儿园"} <= direct

    def test_every_path_extends_the_parents_path_by_the_units_own_segment(self, demo):
        for unit in units().select_related("parent"):
            assert unit.path == unit.compute_path()
            assert unit.depth == (unit.parent.depth + 1 if unit.parent else 0)

    def test_a_sample_of_schools_passes_full_validation(self, demo):
        for school in units().filter(kind=UnitKind.SCHOOL)[::20]:
            school.full_clean()

    def test_headcounts_are_realistic_for_each_stage(self, demo):
        ranges = {Stage.KINDERGARTEN: (100, 400), Stage.PRIMARY: (200, 2500), Stage.JUNIOR: (500, 3000)}
        ranges[Stage.SENIOR] = (1500, 5000)
        for school in units().filter(kind=UnitKind.SCHOOL):
            low, high = ranges.get(school.stage, (1, 5000))
            assert low <= school.pupils <= high, school.name
            assert school.boarders <= school.pupils
            assert school.is_boarding == (school.boarders > 0)

    def test_some_rural_schools_board_and_some_run_buses(self, demo):
        schools = units().filter(kind=UnitKind.SCHOOL)
        assert schools.filter(is_boarding=True, stage__in=[Stage.JUNIOR, Stage.SENIOR]).exists()
        assert schools.filter(runs_buses=True, stage__in=[Stage.PRIMARY, Stage.KINDERGARTEN]).exists()

    def test_schools_have_addresses_and_coordinates_near_nanyang(self, demo):
        for school in units().filter(kind=UnitKind.SCHOOL):
            assert school.address.startswith("河南省")
            assert 32.4 <= float(school.latitude) <= 33.5
            assert 111.3 <= float(school.longitude) <= 113.5

    @pytest.mark.parametrize(
        ("username", "unit_name", "role"),
        [
            ("city_admin", "南阳市教育局", Role.UNIT_ADMIN),
            ("city_officer", "南阳市教育局", Role.SAFETY_OFFICER),
            ("city_leader", "南阳市教育局", Role.LEADER),
            ("inspector", "南阳市教育局", Role.VIEWER),
            ("wancheng_admin", "宛城区教育体育局", Role.UNIT_ADMIN),
            ("wancheng_officer", "宛城区教育体育局", Role.SAFETY_OFFICER),
            ("wolong_admin", "卧龙区教育体育局", Role.UNIT_ADMIN),
            ("wolong_officer", "卧龙区教育体育局", Role.SAFETY_OFFICER),
            ("principal", "宛城区瓦店镇中心小学", Role.LEADER),
            ("safety_officer", "宛城区瓦店镇中心小学", Role.SAFETY_OFFICER),
            ("teacher", "宛城区瓦店镇中心小学", Role.STAFF),
            ("guard", "宛城区瓦店镇中心小学", Role.GUARD),
            ("bus_driver", "宛城区瓦店镇中心小学", Role.BUS_DRIVER),
            ("bus_attendant", "宛城区瓦店镇中心小学", Role.BUS_ATTENDANT),
        ],
    )
    def test_it_creates_each_persona_acting_in_the_right_role_and_unit(self, demo, username, unit_name, role):
        user = User.objects.get(username=username)
        assert (user.active_membership.unit.name, user.active_membership.role) == (unit_name, role)
        assert user.full_name and user.full_name != username

    def test_the_school_personas_work_at_a_primary_school_of_wancheng_that_runs_buses(self, demo):
        school = User.objects.get(username="principal").active_membership.unit
        assert (school.stage, school.runs_buses, school.parent.name) == (Stage.PRIMARY, True, "宛城区教育体育局")

    def test_the_multi_persona_holds_two_posts_and_acts_as_the_county_officer(self, demo):
        user = User.objects.get(username="multi")
        posts = set(Membership.objects.system("test").filter(user=user).values_list("unit__kind", "role"))
        assert posts == {(UnitKind.COUNTY_BUREAU, Role.SAFETY_OFFICER), (UnitKind.SCHOOL, Role.STAFF)}
        assert user.active_membership.role == Role.SAFETY_OFFICER

    def test_outside_demo_mode_the_accounts_have_no_usable_password(self, demo):
        assert "未设置可用密码" in demo
        assert not User.objects.get(username="city_officer").has_usable_password()

    def test_the_accounts_file_lists_every_user_name_with_unit_and_role(self, demo, demo_city):
        text = (demo_city.var_dir / "demo-accounts.txt").read_text(encoding="utf-8")
        for username in User.objects.values_list("username", flat=True):
            assert f"\n{username}\t" in text
        assert "wolong_officer\t黄涛\t卧龙区教育体育局\t安全专干 (safety_officer)" in text
        assert "Xiaoan-2026" not in text

    def test_if_empty_is_a_no_op_on_the_second_run(self, demo):
        before = (units().count(), User.objects.count())
        output = seed("--if-empty")
        assert "nothing to do" in output
        assert (units().count(), User.objects.count()) == before

    def test_without_if_empty_it_refuses_a_database_that_has_units(self, demo):
        with pytest.raises(CommandError):
            seed()


def test_in_demo_mode_every_account_signs_in_with_the_printed_shared_password(db, var_dir, settings):
    settings.DEMO_MODE = True
    output = seed()
    assert "Xiaoan-2026" in output
    assert authenticate(username="wancheng_officer", password="Xiaoan-2026") is not None
    assert authenticate(username="principal", password="Xiaoan-2026") is not None


def test_the_demo_passwords_flag_sets_the_password_outside_demo_mode(db, var_dir):
    seed("--demo-passwords")
    assert User.objects.get(username="teacher").check_password("Xiaoan-2026")


def test_the_accounts_file_names_the_password_and_the_second_factor_in_demo_mode(db, var_dir):
    output = seed("--demo-passwords")
    text = (var_dir / "demo-accounts.txt").read_text(encoding="utf-8")
    assert "Xiaoan-2026" in text and "TOTP" in text
    note = next(line for line in text.splitlines() if "TOTP" in line)
    assert "city_admin, wancheng_admin, wolong_admin" in note  # the bureau administrators, not the schools'
    marked = {line.split()[0] for line in output.splitlines() if line.endswith("[TOTP]")}
    assert marked == {"city_admin", "wancheng_admin", "wolong_admin"}


def test_the_same_seed_plans_the_same_city_and_another_seed_a_different_one():
    def fingerprint(seed_value):
        return [(s.code, s.name, s.pupils) for _, specs in plan(scale="city", seed=seed_value) for s in specs]

    assert fingerprint(7) == fingerprint(7)
    assert fingerprint(7) != fingerprint(8)


def test_city_scale_plans_about_five_thousand_schools_with_unique_names_and_codes():
    specs = [s for _, group in plan(scale="city", seed=2026) for s in group]
    assert 4800 <= len(specs) <= 5200
    assert len({s.code for s in specs}) == len(specs)
    assert len({s.name for s in specs}) == len(specs)
    assert {s.stage for s in specs} == set(Stage.values)


def test_city_scale_inserts_in_bulk_with_consistent_paths(db, var_dir):
    output = seed("--scale", "city", "--schools", "400")
    schools = units().filter(kind=UnitKind.SCHOOL)
    assert schools.count() >= 400 and "Built" in output
    assert not schools.filter(path="").exists()
    for school in schools.select_related("parent")[::25]:
        assert school.path == school.compute_path() and school.depth == school.parent.depth + 1
    assert units().filter(kind=UnitKind.COUNTY_BUREAU).count() == len(COUNTIES)
