"""Validate a whole file against a spec: every row, every column, then across rows. Nothing is written here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .reader import locate_table, read_rows, values_of
from .scratch import ErrorLog
from .spec import ImportSpec, ParsedRow, RowError

if TYPE_CHECKING:
    from .spool import RowSpool

PROGRESS_EVERY = 500


@dataclass
class Outcome:
    rows: list[ParsedRow] | RowSpool = field(default_factory=list)
    errors: ErrorLog = field(default_factory=ErrorLog)  # in row order; memory stays flat however many
    seen: int = 0  # data rows read (blank rows not counted)
    header_row: int = 1

    @property
    def ok(self) -> bool:
        return len(self.errors) == 0


def reason_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(str(message) for message in exc.messages)
    return str(exc)


def validate_file(spec: ImportSpec, fileobj: IO[bytes], *, progress: Callable[[int], None] | None = None) -> Outcome:
    """Parse and check every row. Raises ``TabularReadError`` when the file cannot be read as a table."""
    table = locate_table(read_rows(fileobj), spec.columns)
    outcome = Outcome(header_row=table.header_row, rows=spec.row_store())
    for column in table.missing:
        outcome.errors.append(
            RowError(table.header_row, column.header, _("缺少必填列。 This required column is missing."))
        )
    if table.missing:
        return outcome
    for number, cells in table.rows:
        raw = spec.prepare_row(values_of(table, cells))
        if raw is None:
            continue
        outcome.seen += 1
        parsed = _parse_row(spec, number, raw, outcome)
        if parsed is not None:
            try:
                problems = list(spec.validate_row(parsed))
            except (ValueError, ValidationError) as exc:
                problems = [(None, reason_of(exc))]
            if problems:
                outcome.errors.extend(RowError(number, spec.header_of(key), reason) for key, reason in problems)
            else:
                outcome.rows.append(parsed)
        if progress is not None and outcome.seen % PROGRESS_EVERY == 0:
            progress(outcome.seen)
    outcome.errors.extend(spec.validate_all(outcome.rows))
    if outcome.seen == 0 and not outcome.errors:
        outcome.errors.append(
            RowError(table.header_row, "", _("表头下面没有数据。 There are no rows below the header."))
        )
    if progress is not None:
        progress(outcome.seen)
    return outcome


def _parse_row(spec: ImportSpec, number: int, raw: dict[str, str], outcome: Outcome) -> ParsedRow | None:
    values = {}
    failed = False
    for column in spec.columns:
        if column.key not in raw:
            continue  # optional column absent from the file: the field is left as it is
        text = raw[column.key]
        if not text:
            if column.required:
                outcome.errors.append(RowError(number, column.header, _("必填，不能为空。 Required.")))
                failed = True
            values[column.key] = column.default
            continue
        try:
            values[column.key] = column.convert(text)
        except (ValueError, ValidationError) as exc:
            outcome.errors.append(RowError(number, column.header, reason_of(exc)))
            failed = True
    return None if failed else ParsedRow(number, values)
