"""The streamed xlsx reader: what it returns matches calamine's reading of the same workbook, it reads the sheet as
it goes instead of all at once, and it copes with what Excel and WPS write (shared strings, rich text, dates by
number format, sparse rows) and refuses what a workbook never contains."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from xiaoan.core.tabular import xlsx
from xiaoan.core.tabular.reader import TabularReadError, _workbook_cell, estimate_rows, read_rows
from xiaoan.core.tabular.testing import xlsx_bytes
from xiaoan.core.tabular.xlsx import SharedStrings

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def workbook_bytes(sheet_rows: str, *, strings: str = "", styles: str = "", workbook_pr: str = "") -> bytes:
    """A minimal xlsx as Excel lays it out, with the sheet's ``<row>`` elements, shared strings and styles given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {MAIN} {RELS}>{workbook_pr}<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/data.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet"/>'
            '<Relationship Id="rId2" Target="strings.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/sharedStrings"/>'
            '<Relationship Id="rId3" Target="styles.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/data.xml", f"<worksheet {MAIN}><sheetData>{sheet_rows}</sheetData></worksheet>")
        archive.writestr("xl/strings.xml", f"<sst {MAIN}>{strings}</sst>")
        archive.writestr("xl/styles.xml", f"<styleSheet {MAIN}>{styles}</styleSheet>")
    return out.getvalue()


def calamine_rows(content: bytes) -> list[tuple[int, list[str]]]:
    """The same sheet through calamine, normalised as the reader does, trailing empty cells and rows trimmed."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    rows = [(number, [_workbook_cell(cell) for cell in row]) for number, row in enumerate(sheet.iter_rows(), 1)]
    return trimmed(rows)


def trimmed(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    cut = [(number, cells[: max((i + 1 for i, cell in enumerate(cells) if cell), default=0)]) for number, cells in rows]
    while cut and not cut[-1][1]:
        cut.pop()
    return cut


def test_it_reads_what_calamine_reads_from_a_workbook_excel_style_with_shared_strings_dates_and_gaps():
    workbook = Workbook()  # the normal mode writes a shared-string table, as Excel and WPS do
    sheet = workbook.active
    sheet.append(["宛城区第一小学学生名册"])
    sheet.append([])
    sheet.append(["班级", "姓名", "出生日期", "身份证号", "手机号", "在校", "人数", "备注"])
    sheet.append(["三年级（1）班", "张小明", datetime.date(2016, 3, 7), "411302201603070011", 13812341234, True, 42])
    sheet.append(["三年级（1）班", " 李 四 ", datetime.datetime(2016, 5, 9, 8, 30), 411302201605090022, None, False])
    sheet.merge_cells("A4:A5")
    sheet["H7"] = "４１１３０２"  # a lone cell two rows further down, full-width digits
    sheet["C8"] = 0.25
    sheet["C8"].number_format = "h:mm"
    content = io.BytesIO()
    workbook.save(content)
    streamed = trimmed(list(read_rows(io.BytesIO(content.getvalue()))))
    assert streamed == calamine_rows(content.getvalue())
    assert streamed[3] == (4, ["三年级(1)班", "张小明", "2016-03-07", "411302201603070011", "13812341234", "是", "42"])
    assert streamed[4][1][3] == "4.11302201605090E+17"  # an ID stored as a number stays recognisably damaged


def test_it_yields_the_first_rows_before_it_has_read_the_whole_file():
    rows = [["班级", "姓名"], *([f"三年级（{n % 9 + 1}）班", f"学生{n}"] for n in range(30_000))]
    content = xlsx_bytes(rows)

    class Counting(io.BytesIO):
        taken = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            self.taken += len(data)
            return data

    upload = Counting(content)
    first = list(zip(range(10), read_rows(upload), strict=False))
    assert first[1][1] == (2, ["三年级(1)班", "学生0"])
    assert upload.taken < len(content) / 4  # calamine would have read it all before the first row


def test_it_reads_rich_text_leaves_out_phonetic_guides_and_undoes_excel_escapes():
    strings = (
        "<si><t>张小明</t></si>"
        "<si><r><t>宛城区</t></r><r><rPr><b/></rPr><t>第一小学</t></r><rPh sb='0' eb='1'><t>ワン</t></rPh></si>"
        "<si><t>第一行_x000D_第二行</t></si>"
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="3"><c r="B3" t="inlineStr"><is><t>行内</t></is></c><c r="D3" t="b"><v>1</v></c>'
        '<c r="E3" t="e"><v>#N/A</v></c><c r="F3" t="str"><v>公式</v></c></row>'
    )
    rows = list(read_rows(io.BytesIO(workbook_bytes(sheet, strings=strings))))
    assert rows == [
        (1, ["张小明", "宛城区第一小学", "第一行\r第二行"]),
        (2, []),
        (3, ["", "行内", "", "是", "#N/A", "公式"]),
    ]


@pytest.mark.parametrize(
    ("number_format", "expected"),
    [
        (
            '<numFmts><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>',
            True,
        ),
        ("", True),  # built-in 31: 年月日 in Chinese Excel
        ('<numFmts><numFmt numFmtId="176" formatCode="0.00"/></numFmts>', False),
    ],
)
def test_it_turns_numbers_into_dates_by_their_number_format(number_format, expected):
    format_id = "176" if number_format else "31"
    styles = f'{number_format}<cellXfs><xf numFmtId="0"/><xf numFmtId="{format_id}"/></cellXfs>'
    sheet = '<row r="1"><c r="A1" s="1"><v>42439</v></c><c r="B1"><v>42439</v></c></row>'
    rows = list(read_rows(io.BytesIO(workbook_bytes(sheet, styles=styles))))
    assert rows == [(1, ["2016-03-10" if expected else "42439", "42439"])]


def test_a_date_formatted_number_with_no_calendar_date_stays_a_number():
    styles = '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    sheet = '<row r="1"><c r="A1" s="1"><v>1E+20</v></c><c r="B1" t="d"><v>not a date</v></c></row>'
    assert list(read_rows(io.BytesIO(workbook_bytes(sheet, styles=styles)))) == [(1, ["1E+20", "not a date"])]


def test_it_counts_dates_from_1904_when_the_workbook_says_so():
    styles = '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    sheet = '<row r="1"><c r="A1" s="1"><v>40977</v></c></row>'
    content = workbook_bytes(sheet, styles=styles, workbook_pr='<workbookPr date1904="1"/>')
    assert list(read_rows(io.BytesIO(content))) == [(1, ["2016-03-10"])]


def test_it_refuses_a_sheet_with_a_document_type_declaration():
    content = workbook_bytes("").replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1)
    with pytest.raises(TabularReadError):
        list(read_rows(io.BytesIO(content)))


def test_a_sheet_cut_short_is_explained_not_a_crash():
    content = workbook_bytes('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>')
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename.endswith("data.xml") else data)
    with pytest.raises(TabularReadError) as info:
        list(read_rows(io.BytesIO(damaged.getvalue())))
    assert "无法读取" in info.value.message


def test_shared_strings_wait_on_disk_and_only_a_bounded_few_stay_in_memory(monkeypatch):
    monkeypatch.setattr(xlsx, "STRING_CACHE", 50)
    strings = "".join(f"<si><t>学生{n}</t></si>" for n in range(5_000))
    content = workbook_bytes("", strings=strings)
    with zipfile.ZipFile(io.BytesIO(content)) as archive, SharedStrings(archive, "xl/strings.xml") as table:
        assert table.count == 5_000
        assert [table[n] for n in (0, 4_999, 2_500, 0)] == ["学生0", "学生4999", "学生2500", "学生0"]
        for n in range(200):
            assert table[n] == f"学生{n}"
        assert len(table._cache) <= 50
        with pytest.raises(IndexError):
            table[5_000]


def test_the_row_estimate_is_the_line_count_of_a_csv_and_the_declared_dimension_of_an_xlsx():
    assert estimate_rows(io.BytesIO("姓名,年龄\n甲,9\n乙,10\n丙,11\n".encode())) == 3
    workbook = Workbook()
    for n in range(41):
        workbook.active.append([f"行{n}", n])
    content = io.BytesIO()
    workbook.save(content)
    assert estimate_rows(content) == 40
    assert content.tell() == 0  # left ready for the real reading
