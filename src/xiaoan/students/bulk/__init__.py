"""Set-based writing of the roster import, for a school's file and for the whole city's.

Validated rows arrive as a stream and are written a chunk at a time inside the caller's one transaction (so the
import stays all-or-nothing): existing pupils and guardians are looked up by natural key once per chunk, new rows
get their ids from the sequence in one statement and are written with ``COPY`` on PostgreSQL (``executemany``
on SQLite), changed rows are updated through a staging table (one ``UPDATE … FROM``) or ``executemany``.
Per-row auditlog entries are not written here: the import job (who, when, which file, counts) is the record.

``tables`` holds the table writes and look-ups, ``roster`` the pupils, ``guardians`` their guardians.
"""

from .roster import CHUNK_ROWS, REASON, RosterWriter, Sealer
from .tables import GUARDIAN_INSERT, MOVE_INSERT, PUPIL_INSERT, TIE_INSERT, allocate_ids, insert_rows, update_rows

__all__ = [
    "CHUNK_ROWS",
    "GUARDIAN_INSERT",
    "MOVE_INSERT",
    "PUPIL_INSERT",
    "REASON",
    "TIE_INSERT",
    "RosterWriter",
    "Sealer",
    "allocate_ids",
    "insert_rows",
    "update_rows",
]
