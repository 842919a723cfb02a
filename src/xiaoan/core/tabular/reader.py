"""Reading uploaded tables: xlsx, xls and ods workbooks, csv in UTF-8 (with or without BOM) or GB18030.

The format is told by the content, never by the file name. csv and xlsx are streamed, so memory does not grow with
the file: csv is decoded and split as it is read, xlsx is parsed as it is inflated (``xlsx.py``). xls and ods go
through python-calamine, which reads the whole sheet into memory — those formats cannot be streamed (an xls keeps
its cells in one compound-file stream with shared strings and offsets spread across it) and they hold at most
65,536 rows (xls) or are rare (ods), so a city-sized roster comes as xlsx or csv.

The header row need not be the first: bureau templates often start with a title line or two, so the first rows are
scanned for the one that matches the most declared headers.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from .columns import Column, normalise_cell, normalise_header
from .xlsx import XlsxError, declared_rows, is_xlsx, xlsx_rows

HEADER_SCAN_ROWS = 10
LOSSY_NUMBER = 10**15
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Row = tuple[int, list[str]]  # (row number as the user sees it, 1-based; cells)
_NFKC = unicodedata.normalize  # what ``normalise_cell`` does to a text cell, without its type checks


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


def unreadable_workbook() -> TabularReadError:
    return TabularReadError(
        _(
            "无法读取该文件：它不是有效的 Excel（xlsx/xls）或 ODS 表格。"
            " The file is not a readable xlsx, xls or ods workbook."
        )
    )


def _workbook_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    if _is_xlsx(fileobj):
        return _xlsx_rows(fileobj)
    return _calamine_rows(fileobj)


def _is_xlsx(fileobj: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return is_xlsx(archive)
    except (zipfile.BadZipFile, EOFError, ValueError):
        return False  # not a zip (xls) or a damaged one: calamine says which
    finally:
        fileobj.seek(0)


def _xlsx_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    try:
        rows = xlsx_rows(fileobj)
    except XlsxError:
        raise unreadable_workbook() from None
    return _converted(rows)


def _converted(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[Row]:
    try:
        for number, cells in rows:
            yield number, [_workbook_cell(cell) for cell in cells]
    except XlsxError:
        raise unreadable_workbook() from None


def _calamine_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception:
        raise unreadable_workbook() from None
    # calamine numbers rows from the top of the sheet, columns from the first used one
    return ((index, [_workbook_cell(cell) for cell in row]) for index, row in enumerate(rows, start=1))


def _workbook_cell(value: Any) -> str:
    """A number cell of 16 digits or more cannot be exact (a spreadsheet keeps 15 significant digits): it is
    kept in scientific notation, so a column of identity numbers stored as numbers is recognisably damaged
    instead of turning into plausible digits."""
    if type(value) is str:  # most cells: the short way
        return _NFKC("NFKC", value).strip()
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= LOSSY_NUMBER:
        return f"{float(value):.14E}".replace(".00000000000000E", "E")
    return normalise_cell(value)


def _csv_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    """Streamed: the file is decoded and split as it is read, so memory does not grow with its size."""
    if b"\x00" in fileobj.read(4096):
        raise TabularReadError(
            _(
                "无法识别该文件：请上传 xlsx、xls、ods 或 csv 表格。"
                " Unrecognised file: upload an xlsx, xls, ods or csv table."
            )
        )
    encoding = _csv_encoding(fileobj)
    if encoding is None:
        raise TabularReadError(
            _("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GB18030（GBK）编码。 Save the CSV as UTF-8 or GB18030.")
        )
    fileobj.seek(0)
    text = io.TextIOWrapper(io.BufferedReader(_Unclosable(fileobj)), encoding=encoding, newline="")
    first_line = text.readline()
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(itertools.chain([first_line], text), delimiter=delimiter)
    return ((index, [_NFKC("NFKC", cell).strip() for cell in row]) for index, row in enumerate(reader, start=1))


def _csv_encoding(fileobj: IO[bytes], chunk: int = 1 << 20) -> str | None:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else GB18030 if it decodes as that."""
    for encoding in ("utf-8-sig", "gb18030"):
        fileobj.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while block := fileobj.read(chunk):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


class _Unclosable(io.RawIOBase):
    """A view of the upload for ``TextIOWrapper`` that leaves the upload open when the wrapper is collected."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


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

    # a header may span two rows: a group cell ("监护人1", merged across its columns) over sub-headers
    candidates: list[tuple[Row, int]] = [(row, 0) for row in scanned]
    candidates += [
        ((upper[0], combine_headers(upper[1], lower[1], names)), 1)
        for upper, lower in itertools.pairwise(scanned)
        if lower[0] == upper[0] + 1
    ]
    best_pair = max(candidates, key=lambda pair: (score(pair[0][1]), -pair[1]), default=None)
    best = best_pair[0] if best_pair else None
    if best is None or best_pair is None or score(best[1]) == 0:
        raise TabularReadError(
            _(
                "找不到表头：前 %(n)d 行中没有一行含有规定的列名（如“%(example)s”）。请使用导入模板。"
                " No header row found in the first %(n)d rows; please start from the import template."
            )
            % {"n": HEADER_SCAN_ROWS, "example": columns[0].header}
        )
    header_number, header_cells = best
    header_number += best_pair[1]  # data starts below the lower header row
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


def combine_headers(upper: list[str], lower: list[str], names: dict[str, set[str]]) -> list[str]:
    """One header from two rows. A merged group cell holds its text in the first column only, so it is carried
    right over the columns that have a sub-header; "监护人1" + "姓名" reads "监护人1姓名". A combination no
    declared column knows falls back to the lower cell (a group such as "学生信息" over "姓名")."""
    known = set().union(*names.values()) if names else set()
    combined: list[str] = []
    group = ""
    for index in range(max(len(upper), len(lower))):
        top, bottom = cell(upper, index), cell(lower, index)
        if top:
            group = top
        elif not bottom:
            group = ""
        if not bottom:
            combined.append(top)
            continue
        joined = group + bottom
        combined.append(joined if normalise_header(joined) in known else bottom)
    return combined


def cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def values_of(table: Table, cells: list[str]) -> dict[str, Any]:
    width = len(cells)
    return {key: cells[index] if index < width else "" for key, index in table.positions.items()}


def estimate_rows(fileobj: IO[bytes]) -> int:
    """Data rows below a one-line header, for a progress bar: the line count of a csv, the dimension an xlsx
    declares, otherwise the non-blank rows counted. A cheap pass, corrected as the rows are read."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head and sniff(head) == "csv":
        lines = sum(block.count(b"\n") for block in iter(lambda: fileobj.read(1 << 20), b""))
        fileobj.seek(0)
        return max(0, lines - 1)
    declared = declared_rows(fileobj) if head.startswith(ZIP_MAGIC) and _is_xlsx(fileobj) else None
    if declared is not None:
        return max(0, declared - 1)
    return max(0, sum(1 for _number, cells in read_rows(fileobj) if not is_blank(cells)) - 1)
