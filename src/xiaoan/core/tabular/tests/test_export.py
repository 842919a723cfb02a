import csv
import io

from xiaoan.core.tabular.export import csv_response, xlsx_response
from xiaoan.core.tabular.testing import read_sheet


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_exports_a_generator_of_rows_as_an_xlsx_that_opens_with_every_row():
    rows = ((f"学校{i}", i, None) for i in range(2000))
    response = xlsx_response(rows, headers=["名称", "序号", "备注"], filename="学校名册", title_line="南阳市学校名册")
    sheet = read_sheet(body(response))
    assert sheet[0][0] == "南阳市学校名册"
    assert sheet[1] == ["名称", "序号", "备注"]
    assert len(sheet) == 2002
    assert sheet[-1][:2] == ["学校1999", 1999]


def test_it_names_the_download_in_chinese_with_an_ascii_fallback_and_forbids_sniffing():
    response = xlsx_response([], headers=["名称"], filename="学校名册")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E5%AD%A6%E6%A0%A1%E5%90%8D%E5%86%8C.xlsx" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_writes_user_text_that_looks_like_a_formula_as_text():
    response = xlsx_response([['=HYPERLINK("http://x")']], headers=["名称"], filename="x")
    assert read_sheet(body(response))[1][0] == '=HYPERLINK("http://x")'
    csv_body = body(csv_response([["=1+1"], ["-5"]], headers=["名称"], filename="x")).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(csv_body)))[1:] == [["'=1+1"], ["-5"]]


def test_it_exports_csv_with_a_bom_so_excel_reads_the_chinese():
    response = csv_response([["宛城区第一小学", 1200]], headers=["名称", "学生数"], filename="名册")
    content = body(response)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["名称", "学生数"], ["宛城区第一小学", "1200"]]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
