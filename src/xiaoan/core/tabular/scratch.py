"""What an import must remember across all the rows of a file, kept out of memory so a city's file fits as well as
a school's: the errors found (``ErrorLog``) and the keys seen, to find a row that repeats an earlier one
(``KeyLedger``). Both live in a private temporary SQLite database — the standard library's, whatever database the
site runs on — that SQLite deletes when it is closed, with a page cache of a few megabytes.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from .spec import RowError

KEEP_IN_MEMORY = 1_000  # errors held as objects before they go to the scratch database
BATCH = 5_000
CACHE_KIB = 4_096
DIGEST_BYTES = 16


def scratch_database() -> sqlite3.Connection:
    """A private on-disk SQLite database, deleted when closed ("" as the file name), with a bounded page cache.
    Nothing in it needs to survive a crash, so it is written without a journal or syncs."""
    database = sqlite3.connect("", isolation_level=None, check_same_thread=False)
    for pragma in (f"cache_size = -{CACHE_KIB}", "temp_store = FILE", "journal_mode = OFF", "synchronous = OFF"):
        database.execute(f"PRAGMA {pragma}")
    return database


class ErrorLog(Sequence[RowError]):
    """Every error found in a file, in row order. The first ``keep`` stay in memory; past that all of them go to
    a scratch table, so a file whose every row is wrong costs disk, not memory. ``len`` counts them all."""

    def __init__(self, keep: int = KEEP_IN_MEMORY) -> None:
        self._keep = keep
        self._kept: list[RowError] = []
        self._pending: list[tuple[int, int, str, str]] = []
        self._database: sqlite3.Connection | None = None
        self._count = 0

    def append(self, error: RowError) -> None:
        self._count += 1
        if self._database is None:
            if len(self._kept) < self._keep:
                self._kept.append(error)
                return
            self._spill()
        self._pending.append((error.row, self._count, str(error.column), str(error.reason)))
        if len(self._pending) >= BATCH:
            self._flush()

    def extend(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.append(error)

    def _spill(self) -> None:
        self._database = scratch_database()
        self._database.execute("CREATE TABLE errors (row INTEGER, seq INTEGER, col TEXT, reason TEXT)")
        self._pending = [(error.row, seq, str(error.column), str(error.reason)) for seq, error in enumerate(self._kept)]
        self._kept = []

    def _flush(self) -> None:
        if self._database is not None and self._pending:
            self._database.executemany("INSERT INTO errors VALUES (?, ?, ?, ?)", self._pending)
            self._pending = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[RowError]:
        """In row order; errors of one row in the order they were found."""
        if self._database is None:
            yield from sorted(self._kept, key=lambda error: error.row)
            return
        self._flush()
        for row, column, reason in self._database.execute("SELECT row, col, reason FROM errors ORDER BY row, seq"):
            yield RowError(row, column, reason)

    @overload
    def __getitem__(self, index: int) -> RowError: ...

    @overload
    def __getitem__(self, index: slice) -> list[RowError]: ...

    def __getitem__(self, index: int | slice) -> RowError | list[RowError]:
        return list(self)[index]  # for tests and short lists; the import itself only iterates

    def __bool__(self) -> bool:
        return self._count > 0

    def __repr__(self) -> str:
        return f"<ErrorLog {self._count} errors: {list(self._kept[:3])!r}…>"

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None


class KeyLedger:
    """The keys of a file's rows, to report each row whose key an earlier row had. Keys are stored as keyed
    16-byte BLAKE2b digests: no identity number reaches the disk in plain text, and two different keys would
    share a digest about once in 10^20 files of a million rows, so digests are compared instead of keys. A row may
    have keys of several kinds (an ID number and a student number); ``kind`` says which one repeats."""

    def __init__(self) -> None:
        self._database = scratch_database()
        self._database.execute("CREATE TABLE keys (digest BLOB NOT NULL, row INTEGER NOT NULL, kind INTEGER NOT NULL)")
        self._secret = os.urandom(32)
        self._pending: list[tuple[bytes, int, int]] = []

    def add(self, key: Any, row: int, kind: int = 0) -> None:
        """``key``: anything whose ``repr`` tells keys apart (tuples of text, numbers and dates)."""
        digest = hashlib.blake2b(repr((kind, key)).encode(), digest_size=DIGEST_BYTES, key=self._secret).digest()
        self._pending.append((digest, row, kind))
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._database.executemany("INSERT INTO keys VALUES (?, ?, ?)", self._pending)
            self._pending = []

    def repeats(self) -> Iterator[tuple[int, int, int]]:
        """(row, first row with the same key, kind of key) for every key a row repeats, in row order."""
        self._flush()
        yield from self._database.execute(
            "SELECT row, first, kind FROM (SELECT row, kind, MIN(row) OVER (PARTITION BY digest) AS first FROM keys)"
            " WHERE row > first ORDER BY row, kind"
        )

    def close(self) -> None:
        self._database.close()

    def __enter__(self) -> KeyLedger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
