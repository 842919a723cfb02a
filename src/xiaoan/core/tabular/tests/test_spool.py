from xiaoan.core.tabular.spec import ParsedRow
from xiaoan.core.tabular.spool import RowSpool


def test_it_gives_back_every_row_in_order_after_spilling_and_can_be_read_twice():
    spool = RowSpool(batch=3)
    for number in range(1, 11):
        spool.append(ParsedRow(number, {"name": f"学生{number}"}))
    assert len(spool) == 10
    assert spool._file is not None  # nine rows went to the temporary file
    assert [row.number for row in spool] == list(range(1, 11))
    assert [row["name"] for row in spool][-1] == "学生10"
    assert (spool[0].number, spool[-1].number, [row.number for row in spool[2:4]]) == (1, 10, [3, 4])


def test_rows_appended_after_a_read_follow_the_earlier_ones():
    spool = RowSpool(batch=2)
    for number in range(1, 4):
        spool.append(ParsedRow(number, {}))
    assert [row.number for row in spool] == [1, 2, 3]
    spool.append(ParsedRow(4, {}))
    spool.append(ParsedRow(5, {}))
    assert [row.number for row in spool] == [1, 2, 3, 4, 5]
    spool.close()
    assert list(spool) == []
