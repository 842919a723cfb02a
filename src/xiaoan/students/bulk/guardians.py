"""The guardians of the roster import: siblings share one guardian (matched by mobile hash), and a pupil's
guardians are replaced only when the file names different ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from ..models import Guardian, Guardianship
from .tables import (
    GUARDIAN_INSERT,
    TIE_INSERT,
    allocate_ids,
    delete_where,
    insert_rows,
    lookup,
    table,
    update_rows,
)

if TYPE_CHECKING:
    from .roster import Sealer

Entry = tuple[str, str, str, str | None]  # name, relation, mobile, mobile hash


def write_guardians(
    *, guardians_of: dict[int, list[tuple[str, str, str]]], replaced: list[int], unit_id: int, sealer: Sealer
) -> list[int]:
    """Replace the guardians of pupils whose file guardians differ from the roll's; returns the existing pupils
    whose guardians changed (new pupils are counted as created already)."""
    if not guardians_of:
        return []
    roll = _roll_of(replaced)
    replaced_set = set(replaced)
    wanted: dict[int, list[Entry]] = {}
    for pupil_id, guardians in guardians_of.items():
        entries = [(name, rel, mobile, sealer.digest("mobile:", mobile)) for name, rel, mobile in guardians]
        if pupil_id in replaced_set and roll.current.get(pupil_id, []) == [(n, r, d) for n, r, _m, d in entries]:
            continue
        wanted[pupil_id] = entries
    if not wanted:
        return []
    guardian_ids = _guardian_ids(wanted, unit_id=unit_id, sealer=sealer)
    changed_existing = [pupil_id for pupil_id in wanted if pupil_id in replaced_set]
    delete_where(Guardianship, "id", [tie for pupil_id in changed_existing for tie in roll.ties.get(pupil_id, [])])
    ties_rows: list[tuple] = []
    for pupil_id, entries in wanted.items():
        linked: set[int] = set()
        for order, (_name, relation, _mobile, _digest) in enumerate(entries, start=1):
            guardian_id = guardian_ids[(pupil_id, order)]
            if guardian_id in linked:
                continue  # the same person listed twice
            linked.add(guardian_id)
            ties_rows.append((pupil_id, guardian_id, relation, order == 1, order))
    insert_rows(Guardianship, TIE_INSERT, ties_rows)
    kept = {guardian_id for _p, guardian_id, *_rest in ties_rows}
    gone = set().union(*(roll.guardians.get(pupil_id, set()) for pupil_id in changed_existing)) - kept
    if gone:  # guardians no pupil links to any more: through the ORM, so links that point at them go too
        Guardian.objects.system("removing guardians without pupils").filter(
            pk__in=gone, guardianships__isnull=True
        ).delete()
    return changed_existing


@dataclass
class Roll:
    """The guardians the roll has for existing pupils: in order as (name, relation, mobile hash), their guardian
    ids, and the ids of the links (to delete them by primary key)."""

    current: dict[int, list[tuple[str, str, str | None]]] = field(default_factory=dict)
    guardians: dict[int, set[int]] = field(default_factory=dict)
    ties: dict[int, list[int]] = field(default_factory=dict)


def _roll_of(pupil_ids: list[int]) -> Roll:
    roll = Roll()
    order = connection.ops.quote_name("order")
    found = lookup(
        f"SELECT t.id, t.pupil_id, t.{order}, t.guardian_id, g.name, t.relation, g.mobile_hash"  # noqa: S608
        f" FROM {table(Guardianship)} t JOIN {table(Guardian)} g ON g.id = t.guardian_id WHERE t.pupil_id {{key}}",
        pupil_ids,
        key_type="bigint",
    )
    for tie_id, pupil_id, _order, guardian_id, name, relation, mobile_digest in sorted(
        found, key=lambda row: (row[1], row[2], row[0])
    ):
        roll.current.setdefault(pupil_id, []).append((name, relation, mobile_digest))
        roll.guardians.setdefault(pupil_id, set()).add(guardian_id)
        roll.ties.setdefault(pupil_id, []).append(tie_id)
    return roll


def _guardian_ids(wanted: dict[int, list[Entry]], *, unit_id: int, sealer: Sealer) -> dict[tuple[int, int], int]:
    """The guardian of each (pupil, place): the school's guardian with that mobile number (siblings share one, the
    name in the file wins), else a new one."""
    digests = {digest for entries in wanted.values() for *_rest, digest in entries if digest}
    known: dict[str, tuple[int, str]] = {}
    if digests:
        found = lookup(
            f"SELECT id, mobile_hash, name FROM {table(Guardian)} WHERE unit_id = %s AND mobile_hash {{key}}",  # noqa: S608
            digests,
            [unit_id],
        )
        known = {digest: (pk, name) for pk, digest, name in found}
    now: Any = connection.ops.adapt_datetimefield_value(timezone.now())
    new_count = sum(1 for entries in wanted.values() for *_rest, digest in entries if not digest) + len(
        digests - known.keys()
    )
    fresh = iter(allocate_ids(Guardian, new_count))
    new_rows: list[tuple] = []
    renamed: dict[int, str] = {}
    placed: dict[tuple[int, int], int] = {}
    for pupil_id, entries in wanted.items():
        for order, (name, _relation, mobile, digest) in enumerate(entries, start=1):
            if digest and digest in known:
                guardian_id, stored_name = known[digest]
                if name != stored_name:
                    renamed[guardian_id] = name
                    known[digest] = (guardian_id, name)
            else:
                guardian_id = next(fresh)
                new_rows.append((guardian_id, unit_id, name, sealer.seal(mobile), digest, now))
                if digest:
                    known[digest] = (guardian_id, name)
            placed[(pupil_id, order)] = guardian_id
    insert_rows(Guardian, GUARDIAN_INSERT, new_rows)
    update_rows(Guardian, ("name",), [(pk, name) for pk, name in renamed.items()])
    return placed
