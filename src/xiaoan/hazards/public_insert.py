"""The anonymous 随手拍 report on PostgreSQL: one prepared statement instead of a transaction of three.

Elsewhere a report is ``hazard.save()`` (an INSERT), ``_number_hazard`` (an UPDATE: the number holds the row id)
and django-auditlog's post_save receiver (an INSERT of the LogEntry), inside BEGIN … COMMIT: six round trips, each
statement compiled by the ORM and planned by PostgreSQL. Here one statement draws the id from the table's
sequence, inserts the hazard with its number, and inserts the audit entry, planned once per connection
(xiaoan.core.prepared). The audit entry carries what auditlog's receiver would have written — the same diff
(computed by auditlog from the registered fields), the object's text, the unit path — with the id filled in by the
statement. A second submission of the same form (its nonce) inserts nothing: the caller then looks the first one up.

Used for reports without photos; with photos the ORM path keeps its transaction (the photos are files too).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Field
from django.utils import timezone

from xiaoan.core.prepared import run_with_retry

from .models import Hazard

SKIPPED = frozenset({"id", "number"})  # drawn and computed by the statement itself


@functools.cache
def _statement() -> tuple[str, tuple[Field, ...]]:
    meta = Hazard._meta
    fields = tuple(f for f in meta.concrete_fields if f.attname not in SKIPPED)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    values = ", ".join(f"%s::{f.cast_db_type(connection)}" for f in fields)  # type: ignore[attr-defined]
    hazard = (
        f"INSERT INTO {qn(meta.db_table)} (id, number, {columns}) "  # noqa: S608 - names from the model
        f"SELECT s.n, %s || lpad(s.n::text, greatest(6, length(s.n::text)), '0'), {values} FROM s "
        "ON CONFLICT (submission_nonce) DO NOTHING RETURNING id, number"
    )
    audit = (
        "INSERT INTO auditlog_logentry (content_type_id, object_pk, object_id, object_repr, action, changes, "
        "changes_text, timestamp, additional_data) SELECT %s, h.id::text, h.id, %s, %s, "
        "%s::jsonb || jsonb_build_object('id', jsonb_build_array('None', h.id::text)), '', %s, %s::jsonb FROM h"
    )
    sequence = f"SELECT nextval(pg_get_serial_sequence('{meta.db_table}', 'id')) AS n"
    # names come from the model, every value is a bound parameter
    return f"WITH s AS ({sequence}), h AS ({hazard}), a AS ({audit}) SELECT id, number FROM h", fields  # noqa: S608


def _audit_changes(hazard: Hazard) -> dict[str, Any]:
    """auditlog's create diff of the registered fields (the id is filled in by the statement)."""
    from auditlog.diff import model_instance_diff

    hazard.pk = 0  # the diff reads related managers, which need a primary key; the statement writes the real id
    try:
        changes = model_instance_diff(None, hazard) or {}
    finally:
        hazard.pk = None
    changes.pop("id", None)
    return changes


def insert_anonymous(hazard: Hazard) -> bool:
    """Insert the validated, unsaved ``hazard``; False when its submission nonce already made a report."""
    from auditlog.models import LogEntry

    sql, fields = _statement()
    params = [field.get_db_prep_save(field.pre_save(hazard, add=True), connection) for field in fields]
    audit = [
        ContentType.objects.get_for_model(Hazard).pk,
        str(hazard),  # as auditlog wrote it: before the number existed
        LogEntry.Action.CREATE,
        json.dumps(_audit_changes(hazard), ensure_ascii=False),
        timezone.now(),
        json.dumps(hazard.get_additional_data(), ensure_ascii=False),  # type: ignore[attr-defined]
    ]
    prefix = f"YH-{timezone.localtime(hazard.reported_at):%Y}-"

    def write(cursor: Any) -> Any:
        cursor.execute(sql, [prefix, *params, *audit])
        return cursor.fetchone()

    row = run_with_retry(write)  # a repeat after a lost connection meets the nonce and inserts nothing
    if row is None:
        return False
    hazard.pk, hazard.number = row
    hazard._state.adding = False
    return True
