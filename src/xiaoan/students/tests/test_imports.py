import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.services import import_submit
from xiaoan.core.tabular.testing import read_sheet, xlsx_bytes
from xiaoan.students.identity import id_hash
from xiaoan.students.models import Guardian, Pupil, PupilStatus, Relation, SchoolClass
from xiaoan.students.testing import import_roster, valid_id_number

ID1 = valid_id_number(datetime.date(2016, 3, 7), 11)
ID2 = valid_id_number(datetime.date(2016, 5, 9), 22)
ID3 = valid_id_number(datetime.date(2017, 1, 2), 33)


def run(city, content: bytes, name: str = "名册.xlsx") -> ImportJob:
    return import_roster(city, content, name)


def pupils(city):
    return Pupil.objects.system("test").filter(unit=city.school_a1)


def test_it_imports_a_roster_with_title_rows_other_header_wording_merged_class_cells_and_a_total_row(city):
    content = xlsx_bytes(
        [
            ["宛城区第一小学2025—2026学年学生名册"],
            ["填表日期：2025年9月"],
            [
                "年级",
                "班级名称",
                "学生姓名",
                "性别",
                "出生年月",
                "学籍号",
                "身份证件号",
                "家长姓名",
                "与学生关系",
                "联系电话",
            ],
            [
                "三年级",
                "（1）班",
                "张 小明",
                "男",
                "2016-03-07",
                "G001",
                ID1,
                "张建国",
                "爸爸",
                "１３８ １２３４ １２３４",
            ],
            [None, None, "李晓红", "女", "2016/05/09", "G002", ID2, "王芳", "妈妈", "13912345678"],
            [],
            ["四年级", "（2）班", "赵一诺", "女", None, "G003", None, "赵强", "外公", "+86 137-0000-1111"],
            ["合计", None, "3人"],
        ]
    )
    job = run(city, content)
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert job.created_count == 3
    zhang = pupils(city).get(student_number="G001")
    assert zhang.name == "张小明"
    assert zhang.school_class.name == "三年级（1）班"
    assert zhang.id_number == ID1
    li = pupils(city).get(student_number="G002")
    assert li.school_class_id == zhang.school_class_id  # the merged class cell was carried down
    zhao = pupils(city).get(student_number="G003")
    assert zhao.school_class.grade == 4
    tie = zhao.guardianships.get()
    assert (tie.guardian.mobile, tie.relation) == ("13700001111", Relation.MATERNAL_GRANDFATHER)
    assert zhang.guardianships.get().guardian.mobile == "13812341234"


def test_it_combines_a_two_row_header_with_two_guardians_per_row(city):
    content = xlsx_bytes(
        [
            ["三年级（1）班 学生及监护人信息"],
            ["班级", "姓名", "性别", "身份证号", "监护人1", None, None, "监护人2", None, None],
            [None, None, None, None, "姓名", "关系", "电话", "姓名", "关系", "电话"],
            ["三年级（1）班", "张小明", "男", ID1, "张建国", "父亲", "13812341234", "王芳", "母亲", "13912345678"],
            ["三年级（1）班", "张小红", "女", ID3, "张建国", "父亲", "13812341234", None, None, None],
        ]
    )
    job = run(city, content)
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    ming = pupils(city).get(id_number_hash=id_hash(ID1))
    assert [(t.guardian.name, t.order) for t in ming.guardianships.order_by("order")] == [("张建国", 1), ("王芳", 2)]
    # siblings share one guardian row, matched by mobile number
    assert Guardian.objects.system("test").filter(unit=city.school_a1).count() == 2
    assert ming.date_of_birth == datetime.date(2016, 3, 7)  # taken from the ID number


def test_it_reads_a_gb18030_csv(city):
    text = "班级,姓名,性别,学号\n三年级（1）班,张小明,男,C01\n三年级（1）班,李晓红,女,C02\n"
    job = run(city, text.encode("gb18030"), name="名册.csv")
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert sorted(pupils(city).values_list("name", flat=True)) == ["张小明", "李晓红"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(city):
    content = xlsx_bytes([["班级", "姓名", "性别", "身份证号"], ["三年级（1）班", "张小明", "男", ID1]])
    run(city, content)
    again = run(city, content)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1)
    assert SchoolClass.objects.system("test").filter(unit=city.school_a1).count() == 1


def test_it_refuses_id_numbers_that_excel_stored_as_numbers_and_writes_nothing(city):
    damaged_int = int(ID1[:15] + "000")  # what a 15-significant-digit spreadsheet keeps
    content = xlsx_bytes(
        [
            ["班级", "姓名", "性别", "身份证号", "手机号", "家长姓名"],
            ["三年级（1）班", "张小明", "男", 4.11302201501011e17, "13812341234", "张建国"],
            ["三年级（1）班", "李晓红", "女", damaged_int, "13812341234", "王芳"],
            ["三年级（1）班", "王小虎", "男", "4.11302E+17", "13812341234", "王刚"],
            ["三年级（1）班", "赵一诺", "女", ID1[:-1] + ("0" if ID1[-1] != "0" else "1"), "12812341234", "赵强"],
            ["三年级（1）班", "钱多多", "男", ID2, "13812341234", "钱江"],
        ]
    )
    job = run(city, content)
    assert job.state == ImportJob.State.FAILED
    assert not pupils(city).exists()
    listing = read_sheet(job.error_file.open("rb").read(), "错误 Errors")
    reasons = {(row[0], row[1]): row[2] for row in listing[1:]}
    for row in (2, 3, 4):
        assert "被存成了数字" in reasons[(row, "身份证号")]
    assert "校验位" in reasons[(5, "身份证号")]
    assert "11位" in reasons[(5, "监护人1手机号")]
    assert not any(number == 6 for number, _column in reasons)


def test_it_refuses_a_class_whose_grade_cannot_be_told_and_a_pupil_listed_twice(city):
    content = xlsx_bytes(
        [
            ["班级", "姓名", "性别", "学号"],
            ["火箭班", "张小明", "男", "A1"],
            ["三年级（1）班", "李晓红", "女", "A2"],
            ["三年级（1）班", "李晓红", "女", "A2"],
        ]
    )
    job = run(city, content)
    assert job.state == ImportJob.State.FAILED
    listing = read_sheet(job.error_file.open("rb").read(), "错误 Errors")
    assert {row[0] for row in listing[1:]} == {2, 4}


def test_an_updated_roster_moves_a_pupil_to_the_class_the_file_names(city):
    run(city, xlsx_bytes([["班级", "姓名", "性别", "学号"], ["三年级（1）班", "张小明", "男", "M1"]]))
    job = run(city, xlsx_bytes([["班级", "姓名", "性别", "学号"], ["三年级（2）班", "张小明", "男", "M1"]]))
    assert job.updated_count == 1
    pupil = pupils(city).get(student_number="M1")
    assert pupil.school_class.name == "三年级（2）班"
    assert pupil.status == PupilStatus.ENROLLED
    assert pupil.moves.filter(kind="class_change").count() == 1


@pytest.mark.parametrize("persona", ["teacher", "county_a_admin"])
def test_teachers_and_bureaus_cannot_import_a_roster(city, persona):
    from xiaoan.core.errors import DomainError

    unit = city.school_a1 if persona == "teacher" else city.county_a
    with pytest.raises(DomainError):
        import_submit(
            actor=city.people[persona],
            unit=unit,
            spec_name="roster",
            upload=SimpleUploadedFile("x.xlsx", xlsx_bytes([["班级"]])),
        )
    assert io
