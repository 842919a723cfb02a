import io

from xiaoan.core.tabular import scratch
from xiaoan.core.tabular.scratch import ErrorLog, KeyLedger
from xiaoan.core.tabular.spec import RowError
from xiaoan.core.tabular.testing import read_sheet
from xiaoan.core.tabular.workbooks import error_workbook


def test_the_error_log_keeps_a_few_errors_in_memory_and_the_rest_on_disk_and_lists_all_in_row_order(monkeypatch):
    monkeypatch.setattr(scratch, "BATCH", 4)
    log = ErrorLog(keep=3)
    for row in (9, 2, 7, 5, 2, 11, 3, 8, 4, 6):
        log.append(RowError(row, "姓名", f"第{row}行"))
    log.append(RowError(2, "年龄", "后来发现"))  # a later error of an earlier row takes its place
    assert len(log) == 11
    assert len(log._kept) == 0  # spilled: memory no longer grows with the errors
    assert [(error.row, error.column) for error in log][:4] == [(2, "姓名"), (2, "姓名"), (2, "年龄"), (3, "姓名")]
    assert [error.row for error in log] == sorted(error.row for error in log)
    assert log[-1] == RowError(11, "姓名", "第11行")


def test_a_short_error_log_stays_in_memory():
    log = ErrorLog(keep=10)
    log.extend([RowError(3, "", "c"), RowError(1, "", "a")])
    assert log._database is None
    assert [error.reason for error in log] == ["a", "c"]
    assert not ErrorLog()


def test_the_key_ledger_finds_each_repeat_and_its_first_row_across_batches(monkeypatch):
    monkeypatch.setattr(scratch, "BATCH", 2)
    with KeyLedger() as ledger:
        for row, key in enumerate(["甲", "乙", "丙", "甲", "丁", "乙", "甲"], start=2):
            ledger.add(("id", key), row)
        ledger.add(("id", "丙"), 20, kind=2)  # the same text as another kind of key is no repeat
        assert list(ledger.repeats()) == [(5, 2, 0), (7, 3, 0), (8, 2, 0)]


def test_the_key_ledger_writes_digests_never_the_numbers_themselves():
    id_number = "411302201603070011"
    with KeyLedger() as ledger:
        ledger.add(("id", id_number), 2)
        ledger.add(("id", id_number), 3)
        ledger._flush()
        stored = ledger._database.execute("SELECT digest FROM keys").fetchall()
        dump = "\n".join(ledger._database.iterdump())
    assert all(len(digest) == scratch.DIGEST_BYTES for (digest,) in stored)
    assert id_number not in dump and id_number.encode().hex() not in dump


def test_the_error_workbook_walks_the_file_and_a_spilled_error_log_side_by_side(monkeypatch):
    monkeypatch.setattr(scratch, "BATCH", 7)
    lines = ["姓名,年龄"] + [f"学生{n},{n % 3}" for n in range(60)]
    log = ErrorLog(keep=5)
    for n in reversed(range(0, 60, 2)):  # every other row, found in no particular order
        log.append(RowError(n + 2, "年龄", f"坏{n}"))
    workbook = error_workbook(io.BytesIO("\n".join(lines).encode()), log).read()
    data = read_sheet(workbook, "数据 Data")
    assert data[0][-1] == "错误说明 / Errors"
    assert [row[-1] for row in data[1:5]] == ["年龄：坏0", "", "年龄：坏2", ""]
    listing = read_sheet(workbook, "错误 Errors")
    assert [row[0] for row in listing[1:]] == list(range(2, 62, 2))


def test_a_workbook_longer_than_a_sheet_continues_on_another(monkeypatch):
    from xiaoan.core.tabular import workbooks

    monkeypatch.setattr(workbooks, "SHEET_ROWS", 10)
    lines = ["姓名,年龄"] + [f"学生{n},9" for n in range(25)]
    workbook = error_workbook(io.BytesIO("\n".join(lines).encode()), [RowError(26, "年龄", "末行")]).read()
    second, third = read_sheet(workbook, "数据 Data (2)"), read_sheet(workbook, "数据 Data (3)")
    assert second[0] == ["姓名", "年龄", "错误说明 / Errors"]  # the header again on each sheet
    assert len(read_sheet(workbook, "数据 Data")) == 10 and len(second) == 10
    assert third[-1] == ["学生24", "9", "年龄：末行"]
