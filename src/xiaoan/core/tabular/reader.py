"""Reading uploaded tables: xlsx / xls / ods through python-calamine, csv in UTF-8 (with or without BOM) or GB18030.

The format is told by the content, never by the file name. The header row need not be the first: bureau
templates often start with a title line or two, so the first rows are scanned for the one that matches the
most declared headers.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from .columns import Column, normalise_cell, normalise_header

HEADER_SCAN_ROWS = 10
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Row = tuple[int, list[str]]  # (row number as the user sees it, 1-based; cells)


class TabularReadError(Exception):
    """The file cannot be read as a table; ``message`` tells the user why, in plain words."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def sniff(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "workbook"  # xlsx or ods
    if head.startswith(OLE2_MAGIC):
        return "workbook"  # xls
    return "csv"


def read_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    """Every row of the first sheet, numbered as the user sees it, cells normalised to strings."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise TabularReadError(_("文件是空的。 The file is empty."))
    if sniff(head) == "workbook":
        return _workbook_rows(fileobj)
    return _csv_rows(fileobj)


def _workbook_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception:
        raise TabularReadError(
            _(
                "无法读取该文件：它不是有效的 Excel（xlsx/xls）或 ODS 表格。"
                " The file is not a readable xlsx, xls or ods workbook."
            )
        ) from None
    # calamine numbers rows from the top of the sheet, columns from the first used one
    return ((index, [normalise_cell(cell) for cell in row]) for index, row in enumerate(rows, start=1))


def _csv_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    raw = fileobj.read()
    if b"\x00" in raw[:4096]:
        raise TabularReadError(
            _(
                "无法识别该文件：请上传 xlsx、xls、ods 或 csv 表格。"
                " Unrecognised file: upload an xlsx, xls, ods or csv table."
            )
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TabularReadError(
            _("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GB18030（GBK）编码。 Save the CSV as UTF-8 or GB18030.")
        )
    del raw
    first_line = content.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    return ((index, [normalise_cell(cell) for cell in row]) for index, row in enumerate(reader, start=1))


def is_blank(cells: Sequence[str]) -> bool:
    return not any(cells)


@dataclass
class Table:
    """A located table: which file column holds which declared column, and the data rows after the header."""

    header_row: int
    headers: list[str]
    positions: dict[str, int]  # column key -> index in the row
    missing: list[Column]  # required columns not found
    rows: Iterator[Row] = field(repr=False)


def locate_table(rows: Iterator[Row], columns: Sequence[Column]) -> Table:
    """Find the header among the first rows and map the declared columns onto it."""
    scanned = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    names = {column.key: column.names() for column in columns}

    def score(cells: list[str]) -> int:
        found = {normalise_header(cell) for cell in cells}
        return sum(1 for accepted in names.values() if accepted & found)

    best = max(scanned, key=lambda row: score(row[1]), default=None)
    if best is None or score(best[1]) == 0:
        raise TabularReadError(
            _(
                "找不到表头：前 %(n)d 行中没有一行含有规定的列名（如“%(example)s”）。请使用导入模板。"
                " No header row found in the first %(n)d rows; please start from the import template."
            )
            % {"n": HEADER_SCAN_ROWS, "example": columns[0].header}
        )
    header_number, header_cells = best
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        normalised = normalise_header(cell)
        for key, accepted in names.items():
            if key not in positions and normalised in accepted:
                positions[key] = index
                break
    missing = [column for column in columns if column.required and column.key not in positions]
    after = (row for row in scanned if row[0] > header_number)
    data = (row for row in itertools.chain(after, rows) if not is_blank(row[1]))
    return Table(header_number, header_cells, positions, missing, data)


def cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def values_of(table: Table, cells: list[str]) -> dict[str, Any]:
    return {key: cell(cells, index) for key, index in table.positions.items()}
