"""Workbooks the import writes: the blank template, the error workbook and the uploader's result workbook."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from .export import safe_sheet_title, xlsx_cell
from .reader import read_rows
from .scratch import ErrorLog
from .spec import ImportSpec, RowError

ERRORS_HEADER = "错误说明 / Errors"
ERRORS_SHEET = "错误 Errors"
ERROR_FILL = PatternFill("solid", fgColor="FFF1F0")
SHEET_ROWS = 1_048_576  # the most rows a worksheet holds


def _spooled() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)


def write_rows(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1") -> IO[bytes]:
    """A one-sheet workbook in write-only mode (memory flat in the row count), rewound for reading."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_sheet_title(title))
    bold = Font(bold=True)
    sheet.append([_bold_cell(sheet, header, bold) for header in headers])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    out = _spooled()
    workbook.save(out)
    out.seek(0)
    return out


def _bold_cell(sheet: Any, value: Any, font: Font) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def template_workbook(spec: type[ImportSpec]) -> IO[bytes]:
    """A blank workbook with the spec's headers; required ones marked with * (the reader ignores the mark)."""
    headers = [column.header + ("*" if column.required else "") for column in spec.columns]
    notes = [column.help_text for column in spec.columns]
    rows = [notes] if any(notes) else []
    return write_rows(headers, rows, title=str(spec.label))


def error_workbook(upload: IO[bytes], errors: Iterable[RowError], *, header_row: int = 1) -> IO[bytes]:
    """The file as uploaded with an errors column after the last one, and a sheet listing row, column and reason.
    The file's rows and the errors (in row order) are walked side by side, so neither is held in memory; a file
    longer than a sheet continues on further sheets."""
    width = max((len(cells) for _number, cells in read_rows(upload)), default=0)  # a cheap first pass
    workbook = Workbook(write_only=True)
    data = SheetSeries(workbook, "数据 Data")
    by_row = _texts_by_row(errors)
    pending = next(by_row, None)
    for number, cells in read_rows(upload):
        while pending is not None and pending[0] < number:
            pending = next(by_row, None)
        padded: list[Any] = cells + [""] * (width - len(cells))
        if pending is not None and pending[0] == number:
            error_cell = WriteOnlyCell(data.sheet, value="；".join(pending[1]))
            error_cell.fill = ERROR_FILL
            padded.append(error_cell)
        elif number == header_row:
            padded.append(ERRORS_HEADER)
            data.header = padded
        data.append(padded)
    bold = Font(bold=True)
    listing = SheetSeries(workbook, ERRORS_SHEET)
    listing.header = [_bold_cell(listing.sheet, header, bold) for header in ("行号 Row", "列 Column", "原因 Reason")]
    listing.append(listing.header)
    for error in _in_row_order(errors):
        listing.append([error.row, error.column, error.reason])
    out = _spooled()
    workbook.save(out)
    out.seek(0)
    return out


class SheetSeries:
    """Rows appended to a sheet of a write-only workbook; when the sheet is full (1,048,576 rows) they continue on
    "<title> (2)", "<title> (3)" …, each starting with ``header`` again, so a city's csv fits in a valid workbook."""

    def __init__(self, workbook: Workbook, title: str) -> None:
        self.workbook, self.title, self.limit = workbook, title, SHEET_ROWS
        self.sheet = workbook.create_sheet(title=safe_sheet_title(title))
        self.header: list[Any] | None = None
        self._count = 0
        self._sheets = 1

    def append(self, row: list[Any]) -> None:
        if self._count >= self.limit:
            self._sheets += 1
            self.sheet = self.workbook.create_sheet(title=safe_sheet_title(f"{self.title} ({self._sheets})"))
            self._count = 0
            if self.header is not None:
                self.sheet.append([getattr(cell, "value", cell) for cell in self.header])
                self._count += 1
        self.sheet.append(row)
        self._count += 1


def _in_row_order(errors: Iterable[RowError]) -> Iterable[RowError]:
    return errors if isinstance(errors, ErrorLog) else sorted(errors, key=lambda error: error.row)


def _texts_by_row(errors: Iterable[RowError]) -> Iterator[tuple[int, list[str]]]:
    """(row, what is wrong in it) for each row with errors, in row order."""
    for row, found in itertools.groupby(_in_row_order(errors), key=lambda error: error.row):
        yield row, [f"{error.column}：{error.reason}" if error.column else error.reason for error in found]
