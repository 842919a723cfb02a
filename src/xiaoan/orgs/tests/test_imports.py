import time

import pytest

from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.services import import_submit
from xiaoan.core.tabular.testing import read_sheet, xlsx_upload
from xiaoan.orgs.imports import register_specs
from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import Role, Stage

SCHOOL_HEADER = ["学校名称", "学校标识码", "上级单位代码", "学段", "在校学生数", "住宿生数", "是否寄宿", "经度", "纬度"]


@pytest.fixture(autouse=True)
def _specs():
    register_specs()


def school_rows(count, *, parent="411302", bad_index=None):
    for i in range(count):
        stage = "大学" if i == bad_index else ("小学" if i % 2 else "初中")
        yield [f"测试学校{i}", f"31{i:08d}", parent, stage, 500 + i, i % 50, "是" if i % 50 else "否", 112.5, 33.0]


def run(capture, *, actor, unit, spec_name, rows, name="名册.xlsx"):
    with capture(execute=True):
        job = import_submit(actor=actor, unit=unit, spec_name=spec_name, upload=xlsx_upload(rows, name))
    job.refresh_from_db()
    return job


def test_acceptance_one_bad_row_in_5000_commits_nothing_then_the_fix_imports_and_a_reimport_changes_nothing(
    city, django_capture_on_commit_callbacks
):
    title = [["南阳市宛城区学校名册（2026年）"]]
    before = Unit.objects.count()
    bad = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[*title, SCHOOL_HEADER, *school_rows(5000, bad_index=2500)],
    )
    assert bad.state == ImportJob.State.FAILED
    assert Unit.objects.count() == before
    assert bad.error_count == 1
    bad_row_number = 2500 + 3  # title line, header, then the data from row 3
    listing = read_sheet(bad.error_file.open("rb"), "错误 Errors")
    assert listing[1][:2] == [bad_row_number, "学段"]
    data = read_sheet(bad.error_file.open("rb"), 0)
    assert data[bad_row_number - 1][1] == "3100002500"
    assert "学段" in data[bad_row_number - 1][-1]
    assert data[1][-1] == "错误说明 / Errors"

    started = time.monotonic()
    good = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[*title, SCHOOL_HEADER, *school_rows(5000)],
    )
    assert time.monotonic() - started < 60
    assert good.state == ImportJob.State.SUCCEEDED, good.message
    assert (good.created_count, good.updated_count, good.unchanged_count) == (5000, 0, 0)
    assert Unit.objects.count() == before + 5000
    school = Unit.objects.get(code="3100000007")
    assert school.path == city.county_a.path + f"{school.pk:08d}/"
    assert (school.parent, school.stage, school.depth) == (city.county_a, Stage.PRIMARY, 2)
    assert Unit.objects.for_user(city.county_a_officer).filter(code__startswith="31").count() == 5000

    again = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[*title, SCHOOL_HEADER, *school_rows(5000)],
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5000)
    assert Unit.objects.count() == before + 5000


def test_it_updates_only_the_schools_that_changed(city, django_capture_on_commit_callbacks):
    header = ["学校名称", "学校标识码", "上级单位代码", "学段", "在校学生数"]
    job = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[
            header,
            ["宛城区第一小学", "2141130201", "411302", "小学", 1300],
            ["新学校", "2141130299", "411302", "幼儿园", 80],
        ],
    )
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0), job.message
    city.school_a1.refresh_from_db()
    assert city.school_a1.pupils == 1300
    assert city.school_a1.staff_count == 80  # a column absent from the file is left as it was


def test_it_refuses_a_parent_code_outside_the_uploaders_county(city, django_capture_on_commit_callbacks):
    job = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[SCHOOL_HEADER[:5], ["越界学校", "2141130388", "411303", "小学", 100]],
    )
    assert job.state == ImportJob.State.FAILED
    assert not Unit.objects.filter(code="2141130388").exists()
    assert read_sheet(job.error_file.open("rb"), "错误 Errors")[1][:2] == [2, "上级单位代码"]


def test_it_never_modifies_a_school_of_another_county_that_has_the_same_code(city, django_capture_on_commit_callbacks):
    job = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[SCHOOL_HEADER[:5], ["被改名的学校", city.school_b1.code, "411302", "小学", 1]],
    )
    assert job.state == ImportJob.State.FAILED
    city.school_b1.refresh_from_db()
    assert (city.school_b1.name, city.school_b1.parent) == ("卧龙区第二中学", city.county_b)


def test_it_reports_model_rules_such_as_more_boarders_than_pupils_as_row_errors(
    city, django_capture_on_commit_callbacks
):
    job = run(
        django_capture_on_commit_callbacks,
        actor=city.county_a_admin,
        unit=city.county_a,
        spec_name="schools",
        rows=[SCHOOL_HEADER[:6], ["寄宿学校", "2141130277", "411302", "初中", 10, 20]],
    )
    assert job.state == ImportJob.State.FAILED
    assert read_sheet(job.error_file.open("rb"), "错误 Errors")[1][:2] == [2, "住宿生数"]


def test_a_school_administrator_may_not_import_schools(city):
    from xiaoan.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_submit(
            actor=city.school_admin, unit=city.school_a1, spec_name="schools", upload=xlsx_upload([SCHOOL_HEADER])
        )


PEOPLE_HEADER = ["姓名", "用户名", "手机号", "单位代码", "角色", "职务"]


def test_it_creates_accounts_with_temporary_passwords_the_uploader_downloads_once(
    city, django_capture_on_commit_callbacks
):
    rows = [
        PEOPLE_HEADER,
        ["赵老师", "zhao", "13800000001", "2141130201", "教职工", "班主任"],
        ["赵老师", "zhao", "13800000001", "2141130202", "保安", ""],
        ["钱主任", "qian", "", "2141130202", "安全专干", "安全办主任"],
    ]
    job = run(
        django_capture_on_commit_callbacks, actor=city.county_a_admin, unit=city.county_a, spec_name="people", rows=rows
    )
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    zhao = User.objects.get(username="zhao")
    assert zhao.must_change_password and zhao.active_membership is not None
    assert set(Membership.objects.system("test").filter(user=zhao).values_list("role", flat=True)) == {
        Role.STAFF,
        Role.GUARD,
    }
    client = city.client_for("county_a_admin")
    response = client.get(f"/imports/{job.pk}/result/")
    assert response.status_code == 200
    result = read_sheet(response.content)
    passwords = {row[0]: row[4] for row in result[1:]}
    assert set(passwords) == {"zhao", "qian"}
    assert zhao.check_password(passwords["zhao"])
    assert client.get(f"/imports/{job.pk}/result/").status_code == 404

    again = run(
        django_capture_on_commit_callbacks, actor=city.county_a_admin, unit=city.county_a, spec_name="people", rows=rows
    )
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert not again.result_file


def test_only_the_uploader_may_take_the_result_file(city, django_capture_on_commit_callbacks):
    rows = [PEOPLE_HEADER, ["孙老师", "sun", "", "2141130201", "教职工", ""]]
    job = run(
        django_capture_on_commit_callbacks, actor=city.county_a_admin, unit=city.county_a, spec_name="people", rows=rows
    )
    assert city.client_for("county_a_officer").get(f"/imports/{job.pk}/result/").status_code == 404
    assert city.client_for("county_a_admin").get(f"/imports/{job.pk}/result/").status_code == 200


def test_it_refuses_a_user_name_that_belongs_to_someone_outside_the_uploaders_reach(
    city, django_capture_on_commit_callbacks
):
    rows = [
        PEOPLE_HEADER,
        ["冒名", "county_b_officer", "", "2141130201", "负责人", ""],
        ["坏手机", "li", "12345", "2141130201", "教职工", ""],
    ]
    job = run(
        django_capture_on_commit_callbacks, actor=city.county_a_admin, unit=city.county_a, spec_name="people", rows=rows
    )
    assert job.state == ImportJob.State.FAILED
    listing = read_sheet(job.error_file.open("rb"), "错误 Errors")
    assert [row[:2] for row in listing[1:]] == [[2, "用户名"], [3, "手机号"]]
    assert not Membership.objects.system("test").filter(user=city.county_b_officer, unit=city.school_a1).exists()
    assert not User.objects.filter(username="li").exists()


def test_it_adds_a_post_to_an_existing_account_in_the_uploaders_reach(city, django_capture_on_commit_callbacks):
    rows = [PEOPLE_HEADER, ["teacher", "teacher", "", "2141130202", "安全专干", ""]]
    job = run(
        django_capture_on_commit_callbacks, actor=city.county_a_admin, unit=city.county_a, spec_name="people", rows=rows
    )
    assert (job.state, job.created_count) == (ImportJob.State.SUCCEEDED, 1)
    assert not job.result_file  # no new account, no password to hand over
    assert Membership.objects.system("test").filter(user=city.teacher, unit=city.kindergarten_a2).exists()
