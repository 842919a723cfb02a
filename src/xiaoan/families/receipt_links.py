"""A guardian's personal link: the lookup behind the receipt page, and the confirmation in the same statement.

The page (GET) is one prepared lookup by the token's hash. The confirmation (POST) on PostgreSQL is one prepared
statement too: the lookup as a CTE, the conditional UPDATE of the receipt (only when the letter is open, the link
unexpired and the receipt still pending; ticked items kept only if the letter has them), the class counter, and
for a receipt already confirmed the count of later confirmations (``later_confirmations``) — one round trip where a
lookup then a write took two, for a first confirmation and a repeated one alike. Elsewhere the lookup runs first and
``services.confirm_by_link`` writes. Either way the caller gets the link's fields and whether this was the first
confirmation.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.db.models import F

from xiaoan.core.prepared import HotQuery, run_with_retry

from . import services
from .models import Channel, LetterState, Receipt, ReceiptLink, ReceiptState, ReceiptTally

OPEN_STATES = frozenset({LetterState.PUBLISHED, LetterState.ARCHIVED})
LINK_FIELDS = (
    "receipt_id", "guardian_id", "expires_at", "receipt__state", "receipt__confirmed_at", "receipt__items_ticked",
    "receipt__pupil__name", "receipt__unit__name", "receipt__school_class__name", "letter__title",
    "letter__body_html", "letter__items", "letter__deadline", "letter__state", "letter__unit__name",
)  # fmt: skip
MAX_ITEM = 1000  # a ticked item's number beyond any letter's list is dropped before it reaches the database

LINK_LOOKUP = HotQuery(
    "receipt link",
    lambda token_hash: (
        ReceiptLink.objects.system("a guardian's personal link").filter(token_hash=token_hash).values(*LINK_FIELDS)
    ),
)


def lookup(token_hash: str) -> dict[str, Any] | None:
    return LINK_LOOKUP.first(token_hash)


def can_confirm(link: dict[str, Any] | None, now: dt.datetime) -> bool:
    return link is not None and link["letter__state"] in OPEN_STATES and link["expires_at"] >= now


def wanted_items(values: list[str]) -> list[int]:
    """The ticked item numbers a form sent, as sorted distinct integers; anything else is ignored."""
    chosen = set()
    for value in values:
        if value.isascii() and value.isdigit() and int(value) < MAX_ITEM:  # "²".isdigit() is true, int("²") fails
            chosen.add(int(value))
    return sorted(chosen)


def confirm(token_hash: str, wanted: list[int], now: dt.datetime) -> tuple[dict[str, Any] | None, bool]:
    """(the link's fields, True when this confirmed the receipt); the link as it is after the confirmation."""
    counted = False  # a later confirmation already counted by the statement
    if connection.vendor == "postgresql":
        link, first, counted = _confirm_in_one_statement(token_hash, wanted, now)
    else:
        link = lookup(token_hash)
        first = False
        if can_confirm(link, now):
            assert link is not None
            ticked = [item for item in wanted if item < len(link["letter__items"] or [])]
            first = services.confirm_by_link(link=link, ticked=ticked, now=now, count_later=False)
            if first:
                link.update({"receipt__items_ticked": ticked})
    if link is None or not can_confirm(link, now):
        return link, False
    if first:
        link.update({"receipt__state": ReceiptState.CONFIRMED, "receipt__confirmed_at": now})
    else:
        link["receipt__state"] = ReceiptState.CONFIRMED  # someone confirmed first: that receipt stands
        if not counted:  # elsewhere, or PostgreSQL when the first confirmation committed during this statement
            Receipt.objects.system("a guardian's own link").filter(pk=link["receipt_id"]).update(
                later_confirmations=F("later_confirmations") + 1
            )
    return link, first


def _statement() -> str:
    receipt, tally = Receipt._meta.db_table, ReceiptTally._meta.db_table
    return (
        f"WITH link AS ({LINK_LOOKUP.sql(connection)}), "  # noqa: S608 - compiled lookup, table names
        f"c AS (UPDATE {receipt} r SET state = %s, channel = %s, confirmed_at = %s, "
        "confirmed_by_guardian_id = link.guardian_id, items_ticked = ("
        "SELECT coalesce(jsonb_agg(x ORDER BY x), '[]'::jsonb) FROM unnest(%s::int[]) AS x "
        "WHERE x < coalesce(jsonb_array_length(link.letter__items), 0)) "
        "FROM link WHERE r.id = link.receipt_id AND r.state = %s AND link.expires_at >= %s "
        "AND link.letter__state = ANY(%s) RETURNING r.letter_id, r.school_class_id, r.items_ticked), "
        f"t AS (UPDATE {tally} t SET confirmed = t.confirmed + 1 FROM c "
        "WHERE t.letter_id = c.letter_id AND t.school_class_id = c.school_class_id), "
        # the snapshot shows the receipt either pending (c writes) or confirmed (this counts): never both
        f"later AS (UPDATE {receipt} r SET later_confirmations = r.later_confirmations + 1 "
        "FROM link WHERE r.id = link.receipt_id AND r.state = %s AND link.expires_at >= %s "
        "AND link.letter__state = ANY(%s) RETURNING r.id) "
        "SELECT link.*, (SELECT count(*) FROM later), (SELECT count(*) FROM c), (SELECT items_ticked FROM c) FROM link"
    )


def _confirm_in_one_statement(token_hash: str, wanted: list[int], now: dt.datetime) -> tuple[dict | None, bool, bool]:
    """(the link, whether this confirmed the receipt, whether it counted a later confirmation)."""
    open_states = [str(state) for state in sorted(OPEN_STATES)]
    params = [
        token_hash, ReceiptState.CONFIRMED, Channel.LINK, now, wanted, ReceiptState.PENDING, now, open_states,
        ReceiptState.CONFIRMED, now, open_states,
    ]  # fmt: skip
    sql = _statement()

    def write(cursor: Any) -> Any:
        cursor.execute(sql, params)
        return cursor.fetchone()

    row = run_with_retry(write, connection)  # conditional: a repeat after a lost connection confirms nothing twice
    if row is None:
        return None, False, False
    link = LINK_LOOKUP.as_dict(row, connection)
    counted, first = bool(row[-3]), bool(row[-2])
    if first:
        ticked = row[-1]
        link["receipt__items_ticked"] = json.loads(ticked) if isinstance(ticked, str) else ticked
    return link, first, counted
