import io

import pytest

from xiaoan.core.tabular.columns import Column, choice, decimal, integer, normalise_cell, normalise_header, yes_no
from xiaoan.core.tabular.reader import TabularReadError, locate_table, read_rows
from xiaoan.core.tabular.spec import ImportSpec
from xiaoan.core.tabular.testing import xlsx_bytes
from xiaoan.core.tabular.validation import validate_file


class PupilSpec(ImportSpec):
    name = "pupils-test"
    label = "测试"
    permission = "tabular.importjob.view"
    natural_key = ("code",)
    columns = (
        Column("name", "姓名", aliases=("学生姓名",)),
        Column("code", "学籍号", aliases=("编号",)),
        Column("age", "年龄", parse=integer(3, 20)),
        Column("boarder", "是否住宿", required=False, parse=yes_no, default=False),
    )


def spec() -> PupilSpec:
    return PupilSpec(actor=None, unit=None)


def rows_of(content: bytes):
    return list(read_rows(io.BytesIO(content)))


def test_it_finds_the_header_below_title_lines_and_numbers_rows_as_the_user_sees_them():
    content = xlsx_bytes([["南阳市某校学生名册"], [], ["学生姓名", "编号", "年龄"], ["张三", "001", 9]])
    table = locate_table(read_rows(io.BytesIO(content)), spec().columns)
    assert table.header_row == 3
    assert table.positions == {"name": 0, "code": 1, "age": 2}
    assert list(table.rows) == [(4, ["张三", "001", "9"])]


def test_it_matches_headers_written_with_spaces_full_width_characters_and_required_marks():
    assert normalise_header(" 学 籍\u3000号* ") == normalise_header("学籍号")
    assert normalise_header("ＡＧＥ") == "age"


def test_it_turns_full_width_digits_and_spreadsheet_floats_into_plain_text():
    assert normalise_cell("４１１３０２") == "411302"
    assert normalise_cell(411302.0) == "411302"
    assert normalise_cell(2.5) == "2.5"
    assert normalise_cell(True) == "是"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_csv_in_utf8_with_or_without_bom_and_in_gb18030(encoding):
    content = "姓名,学籍号,年龄\n李四,002,10\n".encode(encoding)
    outcome = validate_file(spec(), io.BytesIO(content))
    assert outcome.ok, outcome.errors
    assert [row.values for row in outcome.rows] == [{"name": "李四", "code": "002", "age": 10}]


def test_it_reads_tab_separated_text():
    outcome = validate_file(spec(), io.BytesIO("姓名\t学籍号\t年龄\n王五\t003\t11\n".encode()))
    assert [row["name"] for row in outcome.rows] == ["王五"]


def test_it_skips_blank_rows_but_keeps_counting_them_in_row_numbers():
    content = xlsx_bytes([["姓名", "学籍号", "年龄"], ["甲", "1", 8], [None, None, None], ["乙", "2", "abc"]])
    outcome = validate_file(spec(), io.BytesIO(content))
    assert outcome.seen == 2
    assert [(error.row, error.column) for error in outcome.errors] == [(4, "年龄")]


def test_it_reports_every_bad_cell_with_row_column_and_reason():
    content = "姓名,学籍号,年龄,是否住宿\n,1,99,也许\n".encode()
    errors = validate_file(spec(), io.BytesIO(content)).errors
    assert {(error.row, error.column) for error in errors} == {(2, "姓名"), (2, "年龄"), (2, "是否住宿")}
    assert all(error.reason for error in errors)


def test_it_names_a_missing_required_column_once():
    errors = validate_file(spec(), io.BytesIO("姓名,年龄\n甲,9\n".encode())).errors
    assert len(errors) == 1
    assert errors[0].column == "学籍号"
    assert "缺少" in errors[0].reason


def test_it_refuses_a_natural_key_that_appears_twice_in_the_file():
    errors = validate_file(spec(), io.BytesIO("姓名,学籍号,年龄\n甲,7,9\n乙,7,9\n".encode())).errors
    assert [(error.row, error.column) for error in errors] == [(3, "学籍号")]
    assert "第 2 行" in errors[0].reason


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 this is not a real zip", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1broken", b"\x89PNG\r\n\x1a\n\x00\x00"],
)
def test_it_explains_a_broken_or_foreign_file_instead_of_crashing(content):
    with pytest.raises(TabularReadError) as info:
        validate_file(spec(), io.BytesIO(content))
    assert "无法" in info.value.message


def test_it_says_when_no_header_can_be_found():
    with pytest.raises(TabularReadError) as info:
        validate_file(spec(), io.BytesIO(b"a,b,c\n1,2,3\n"))
    assert "表头" in info.value.message


def test_it_says_when_a_csv_is_in_neither_utf8_nor_gb18030():
    with pytest.raises(TabularReadError) as info:
        validate_file(spec(), io.BytesIO(b"\xff\xfe\x81\x30\xff,\xfe\n"))
    assert "编码" in info.value.message


def test_choice_decimal_and_yes_no_parsers_accept_what_people_write_and_refuse_the_rest():
    stage = choice([("primary", ["小学", "Primary"])])
    assert stage("小学") == "primary" and stage("primary") == "primary"
    with pytest.raises(ValueError, match="小学"):
        stage("大学")
    latitude = decimal(3, 54)
    assert str(latitude("32.9987")) == "32.998700"
    with pytest.raises(ValueError):
        latitude("112.5")
    assert yes_no("是") is True and yes_no("否") is False
