"""Parsed rows kept in memory a batch at a time and spilled to a temporary file, so a big file's rows do not
have to fit in memory between validation and the commit."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, overload

from .spec import ParsedRow

SPILL_EVERY = 5_000


class RowSpool(Sequence["ParsedRow"]):
    """An append-only sequence of rows: the last ``batch`` rows in memory, earlier ones pickled to a temporary
    file in batches. Iterating reads the file back a batch at a time; indexing is for tests and small files."""

    def __init__(self, batch: int = SPILL_EVERY) -> None:
        self._batch = batch
        self._tail: list[ParsedRow] = []
        self._file: IO[bytes] | None = None
        self._end = 0
        self._count = 0

    def append(self, row: ParsedRow) -> None:
        self._tail.append(row)
        self._count += 1
        if len(self._tail) >= self._batch:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()
        self._file.seek(self._end)
        # plain tuples: a third of the time of pickling the dataclass instances themselves
        pickle.dump([(row.number, row.values) for row in self._tail], self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._end = self._file.tell()
        self._tail = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[ParsedRow]:
        if self._file is not None:
            position = 0
            while position < self._end:
                self._file.seek(position)
                batch = pickle.load(self._file)  # noqa: S301 - our own file, written above
                position = self._file.tell()
                yield from (ParsedRow(number, values) for number, values in batch)
        yield from list(self._tail)

    @overload
    def __getitem__(self, index: int) -> ParsedRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[ParsedRow]: ...

    def __getitem__(self, index: int | slice) -> ParsedRow | list[ParsedRow]:
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(row for position, row in enumerate(self) if position == index)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._tail, self._end, self._count = [], 0, 0
