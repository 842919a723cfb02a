"""Helpers for tests that upload tables."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from python_calamine import CalamineWorkbook


def xlsx_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_upload(rows: Iterable[Sequence[Any]], name: str = "表格.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def read_sheet(content: bytes | Any, sheet: str | int = 0) -> list[list[Any]]:
    """All rows of a sheet of a workbook given as bytes or a file object (to check what was written)."""
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    workbook = CalamineWorkbook.from_filelike(source)
    found = workbook.get_sheet_by_name(sheet) if isinstance(sheet, str) else workbook.get_sheet_by_index(sheet)
    return found.to_python(skip_empty_area=False)
