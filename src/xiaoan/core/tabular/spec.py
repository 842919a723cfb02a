"""Import specs: what a file must contain and how its rows are written; and the registry apps add theirs to."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _

from .columns import Column

if TYPE_CHECKING:
    from .spool import RowSpool


@dataclass(frozen=True)
class RowError:
    """One problem: the row number as the user sees it in the file, the column header, and why."""

    row: int
    column: str
    reason: str


@dataclass
class ParsedRow:
    """A valid row: its number in the file and the parsed values of the columns the file has."""

    number: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # an optional workbook for the uploader only (e.g. temporary passwords of new accounts)
    result_headers: list[str] = field(default_factory=list)
    result_rows: list[list[Any]] = field(default_factory=list)


class ImportSpec:
    """Base class of an import. A fresh instance serves one run, so it may cache look-ups on ``self``.

    Subclasses set ``name``, ``label``, ``columns``, ``natural_key`` and ``permission`` (checked against
    the unit the file is imported into), and implement ``apply``. ``validate_row`` and ``validate_all``
    add checks that one cell alone cannot make; they report problems, they never write.
    """

    # templates receive the class itself; without this they would try to instantiate it
    do_not_call_in_templates: ClassVar[bool] = True
    name: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[Sequence[Column]]
    natural_key: ClassVar[Sequence[str]]
    permission: ClassVar[str]
    description: ClassVar[Any] = ""
    result_note: ClassVar[Any] = ""  # shown when the run produces a result workbook

    def __init__(self, *, actor: Any, unit: Any) -> None:
        self.actor = actor
        self.unit = unit

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def header_of(self, key: str | None) -> str:
        return self.column(key).header if key else ""

    def row_store(self) -> list[ParsedRow] | RowSpool:
        """Where valid rows wait for the commit: a list, or a ``RowSpool`` for imports of millions of rows."""
        return []

    def prepare_row(self, raw: dict[str, str]) -> dict[str, str] | None:
        """The cells of one data row before parsing; return None to skip a row that holds no record (a total
        line), or fill in cells (e.g. carry a merged class cell down). Called in file order."""
        return raw

    def validate_row(self, row: ParsedRow) -> Iterable[tuple[str | None, str]]:
        """Cross-field checks of one row: yield (column key or None, reason)."""
        return ()

    def validate_all(self, rows: Sequence[ParsedRow]) -> Iterable[RowError]:
        """Checks across rows; the default refuses a natural key that appears twice in the file."""
        return duplicate_keys(self, rows)

    def apply(self, rows: Sequence[ParsedRow], *, actor: Any, unit: Any) -> ImportResult:
        """Upsert every row by natural key. Runs inside one transaction: raise to roll everything back."""
        raise NotImplementedError


def duplicate_keys(spec: ImportSpec, rows: Sequence[ParsedRow]) -> Iterator[RowError]:
    seen: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        seen[tuple(row.get(key) for key in spec.natural_key)].append(row.number)
    header = " + ".join(spec.header_of(key) for key in spec.natural_key)
    for numbers in seen.values():
        if len(numbers) > 1:
            for number in numbers[1:]:
                yield RowError(
                    number,
                    header,
                    _("与第 %(first)d 行重复。 Duplicate of row %(first)d.") % {"first": numbers[0]},
                )


SPECS: dict[str, type[ImportSpec]] = {}


def register_spec(spec: type[ImportSpec]) -> type[ImportSpec]:
    """Add an import (usable as a class decorator); apps call it from ``AppConfig.ready``."""
    SPECS[spec.name] = spec
    return spec


def get_spec(name: str) -> type[ImportSpec] | None:
    return SPECS.get(name)


def all_specs() -> list[type[ImportSpec]]:
    return sorted(SPECS.values(), key=lambda spec: spec.name)
