"""Export any list as the ledger an inspector asks for: xlsx (streamed) or csv (UTF-8 with BOM, for Excel).

``xlsx_response`` writes in openpyxl's write-only mode to a temporary file and streams that file, so
memory stays flat however many rows there are: pass a generator or ``queryset.iterator()``.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266 / 5987: an ASCII fallback plus ``filename*`` so Chinese names survive every browser."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;' else "_" for ch in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_formula_like(value: str) -> bool:
    """User text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if not value.startswith(_FORMULA_STARTS):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False  # a negative number written as text


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    if hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)  # lazy translations, Decimals, model instances


def xlsx_response(
    rows: Iterable[Sequence[Any]],
    *,
    headers: Sequence[str],
    filename: str,
    sheet_title: str = "Sheet1",
    title_line: str | None = None,
) -> FileResponse:
    """An xlsx download of ``rows`` under ``headers`` (optionally below a title line)."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=safe_sheet_title(sheet_title))
    bold = Font(bold=True)
    if title_line:
        title = WriteOnlyCell(sheet, value=str(title_line))
        title.font = Font(bold=True, size=14)
        sheet.append([title])
    header_cells = []
    for header in headers:
        header_cell = WriteOnlyCell(sheet, value=str(header))
        header_cell.font = bold
        header_cells.append(header_cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return file_response(out, filename=filename, content_type=XLSX_TYPE)


def safe_sheet_title(title: str) -> str:
    """Excel refuses some characters and more than 31 of them in a sheet name."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return cleaned[:31] or "Sheet1"


def xlsx_cell(sheet: Any, value: Any) -> Any:
    value = _cell_value(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def file_response(fileobj: Any, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(fileobj, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_text(value: Any) -> str:
    text = "" if value is None else str(_cell_value(value))
    return "'" + text if _is_formula_like(text) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Sequence[Any]], *, headers: Sequence[str], filename: str) -> StreamingHttpResponse:
    """A csv download, streamed row by row, with a BOM so Excel on Windows reads the Chinese correctly."""
    if not filename.endswith(".csv"):
        filename += ".csv"
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(header) for header in headers])
        for row in rows:
            yield writer.writerow([_csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
