"""Workbooks the import writes: the blank template, the error workbook and the uploader's result workbook."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from .export import safe_sheet_title, xlsx_cell
from .reader import read_rows
from .spec import ImportSpec, RowError

ERRORS_HEADER = "错误说明 / Errors"
ERRORS_SHEET = "错误 Errors"
ERROR_FILL = PatternFill("solid", fgColor="FFF1F0")


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


def error_workbook(upload: IO[bytes], errors: Sequence[RowError], *, header_row: int = 1) -> IO[bytes]:
    """The file as uploaded with an errors column after the last one, and a sheet listing row, column and reason."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        text = f"{error.column}：{error.reason}" if error.column else error.reason
        by_row.setdefault(error.row, []).append(text)
    width = max((len(cells) for _number, cells in read_rows(upload)), default=0)  # a cheap first pass
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(title="数据 Data")
    for number, cells in read_rows(upload):
        padded: list[Any] = cells + [""] * (width - len(cells))
        if number in by_row:
            error_cell = WriteOnlyCell(data, value="；".join(by_row[number]))
            error_cell.fill = ERROR_FILL
            padded.append(error_cell)
        elif number == header_row:
            padded.append(ERRORS_HEADER)
        data.append(padded)
    listing = workbook.create_sheet(title=ERRORS_SHEET)
    bold = Font(bold=True)
    listing.append([_bold_cell(listing, header, bold) for header in ("行号 Row", "列 Column", "原因 Reason")])
    for error in errors:
        listing.append([error.row, error.column, error.reason])
    out = _spooled()
    workbook.save(out)
    out.seek(0)
    return out
