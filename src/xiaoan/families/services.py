"""Writes of the parent-letter module: letters, their publication, receipts recorded by staff, activities.

The bulk fan-out of a publication lives in ``publishing``, SMS delivery in ``delivery``; the guardian's own
confirmation (a public link, no account) in ``confirm_by_link``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import Conflict, InvalidInput, OutOfScope
from xiaoan.core.prepared import run_with_retry
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.core.tasks import enqueue
from xiaoan.orgs.policy import active_membership

from .letter_templates import TEMPLATES
from .markup import render_body
from .models import (
    ActivityKind,
    Channel,
    HomeSchoolActivity,
    Letter,
    LetterState,
    Receipt,
    ReceiptState,
    ReceiptTally,
)
from .workflow import LETTER_WORKFLOW

MAX_ITEMS = 8
MAX_ITEM_LENGTH = 60
AUDIENCE_KEYS = ("stages", "schools", "grades", "classes")


def clean_items(items: Iterable[str]) -> list[str]:
    cleaned = [" ".join(str(item).split()) for item in items if str(item).strip()]
    if len(cleaned) > MAX_ITEMS:
        raise InvalidInput(_("确认事项最多 %(n)d 项。 At most %(n)d items.") % {"n": MAX_ITEMS})
    if any(len(item) > MAX_ITEM_LENGTH for item in cleaned):
        raise InvalidInput(
            _("每个确认事项不超过 %(n)d 个字。 Each item has at most %(n)d characters.") % {"n": MAX_ITEM_LENGTH}
        )
    return cleaned


def clean_audience(audience: dict[str, Any] | None) -> dict[str, list[Any]]:
    """Only the known filters, as sorted lists; an empty dict means every school below the author."""
    audience = audience or {}
    cleaned: dict[str, list[Any]] = {}
    for key in AUDIENCE_KEYS:
        values = audience.get(key) or []
        if values:
            cleaned[key] = sorted({str(v) if key == "stages" else int(v) for v in values}, key=str)
    return cleaned


def _check_deadline(deadline: dt.date, today: dt.date) -> None:
    if deadline < today:
        raise InvalidInput(_("回执截止日期不能早于今天。 The deadline cannot be in the past."))


@transaction.atomic
def letter_create(
    *,
    actor: Any,
    title: str,
    body: str,
    deadline: dt.date,
    items: Iterable[str] = (),
    audience: dict[str, Any] | None = None,
    template_key: str = "",
    today: dt.date | None = None,
) -> Letter:
    """A draft letter of the actor's own unit (a bureau or a school)."""
    membership = active_membership(actor)
    if membership is None:
        raise OutOfScope()
    ensure_allowed(actor, "families.letter.create")
    _check_deadline(deadline, today or timezone.localdate())
    letter = Letter(
        unit=membership.unit,
        title=title.strip(),
        body=body.strip(),
        items=clean_items(items),
        deadline=deadline,
        audience=clean_audience(audience),
        template_key=template_key if template_key in TEMPLATES else "",
        created_by=actor,
    )
    letter.body_html = render_body(letter.body)
    letter.full_clean()
    letter.save()
    ensure_in_scope(actor, letter)
    return letter


@transaction.atomic
def letter_update(
    *,
    actor: Any,
    letter: Letter,
    title: str,
    body: str,
    deadline: dt.date,
    items: Iterable[str] = (),
    audience: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> Letter:
    """Change a draft; a published letter is never rewritten (families have read it)."""
    ensure_in_scope(actor, letter)
    ensure_allowed(actor, "families.letter.change", letter)
    if letter.state != LetterState.DRAFT:
        raise Conflict(_("只有草稿可以修改。 Only a draft can be changed."))
    _check_deadline(deadline, today or timezone.localdate())
    letter.title, letter.body, letter.deadline = title.strip(), body.strip(), deadline
    letter.items, letter.audience = clean_items(items), clean_audience(audience)
    letter.body_html = render_body(letter.body)
    letter.full_clean()
    updated = Letter.objects.system("the draft was looked up in scope").filter(pk=letter.pk, state=LetterState.DRAFT)
    if not updated.update(
        title=letter.title,
        body=letter.body,
        body_html=letter.body_html,
        deadline=letter.deadline,
        items=letter.items,
        audience=letter.audience,
        updated_at=timezone.now(),
    ):
        raise Conflict()
    return letter


def letter_publish(*, actor: Any, letter: Letter, today: dt.date | None = None) -> Letter:
    """Freeze the audience and fan the letter out in the background (receipts, links, counters, SMS)."""
    _check_deadline(letter.deadline, today or timezone.localdate())
    with transaction.atomic():
        LETTER_WORKFLOW.fire(letter, "publish", actor=actor)
        enqueue("xiaoan.families.tasks.publish_letter", letter.pk, group="families")
    return letter


def letter_archive(*, actor: Any, letter: Letter) -> Letter:
    LETTER_WORKFLOW.fire(letter, "archive", actor=actor)
    return letter


# --- receipts ------------------------------------------------------------------------------------


def confirm_by_link(
    *, link: dict[str, Any], ticked: list[int], now: dt.datetime | None = None, count_later: bool = True
) -> bool:
    """A guardian confirms through a personal link: True when this was the receipt's first confirmation.

    One conditional write: the receipt turns confirmed only if it is still pending, and the class counter moves
    in the same statement (PostgreSQL) or transaction. A later confirmation, by the same or another guardian, is
    counted on the receipt and is never an error.
    """
    now = now or timezone.now()
    receipt_id, guardian_id = link["receipt_id"], link["guardian_id"]
    if connection.vendor == "postgresql":
        first = _confirm_postgresql(receipt_id, guardian_id, ticked, now)
    else:
        first = _confirm_portable(receipt_id, guardian_id, ticked, now)
    if not first and count_later:
        Receipt.objects.system("a guardian's own link").filter(pk=receipt_id).update(
            later_confirmations=F("later_confirmations") + 1
        )
    return first


def _confirm_postgresql(receipt_id: int, guardian_id: int, ticked: list[int], now: dt.datetime) -> bool:
    receipt, tally = Receipt._meta.db_table, ReceiptTally._meta.db_table
    sql = (
        f"WITH c AS (UPDATE {receipt} SET state = %s, channel = %s, confirmed_at = %s, "  # noqa: S608 - table names
        "confirmed_by_guardian_id = %s, items_ticked = %s::jsonb "
        "WHERE id = %s AND state = %s RETURNING letter_id, school_class_id) "
        f"UPDATE {tally} t SET confirmed = t.confirmed + 1 FROM c "
        "WHERE t.letter_id = c.letter_id AND t.school_class_id = c.school_class_id"
    )
    params: list[Any] = [ReceiptState.CONFIRMED, Channel.LINK, now, guardian_id, json.dumps(ticked), receipt_id]

    def write(cursor: Any) -> bool:
        cursor.execute(sql, [*params, ReceiptState.PENDING])
        return cursor.rowcount == 1

    return run_with_retry(write, connection)  # conditional: a repeat after a lost connection changes nothing


def _confirm_portable(receipt_id: int, guardian_id: int, ticked: list[int], now: dt.datetime) -> bool:
    with transaction.atomic():
        receipts = Receipt.objects.system("a guardian's own link").filter(pk=receipt_id, state=ReceiptState.PENDING)
        if not receipts.update(
            state=ReceiptState.CONFIRMED,
            channel=Channel.LINK,
            confirmed_at=now,
            confirmed_by_guardian_id=guardian_id,
            items_ticked=ticked,
        ):
            return False
        row = Receipt.objects.system("a guardian's own link").values("letter_id", "school_class_id").get(pk=receipt_id)
        ReceiptTally.objects.system("a guardian's own link").filter(**row).update(confirmed=F("confirmed") + 1)
    return True


STAFF_CHANNELS = frozenset(Channel) - {Channel.LINK}


@transaction.atomic
def receipts_record(
    *,
    actor: Any,
    letter: Letter,
    school_class: Any,
    receipt_ids: Iterable[int],
    channel: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> int:
    """A class teacher or the school's safety staff record receipts that came another way (paper slip, meeting…).

    Receipts already confirmed are left as they are (first confirmation wins); returns how many were recorded.
    """
    from .selectors import can_see_class

    ensure_in_scope(actor, school_class)
    ensure_allowed(actor, "families.receipt.record", school_class)
    if not can_see_class(actor, school_class):
        raise OutOfScope()
    if letter.state != LetterState.PUBLISHED:
        raise Conflict(_("只有已发布且未归档的信件可以登记回执。 Receipts are recorded for published letters only."))
    if channel not in STAFF_CHANNELS:
        raise InvalidInput(_("请选择回执方式。 Choose how the receipt came in."))
    ids = sorted({int(pk) for pk in receipt_ids})
    if not ids:
        raise InvalidInput(_("请至少选择一名学生。 Choose at least one pupil."))
    pending = Receipt.objects.for_user(actor, "families.receipt.record").filter(
        letter=letter, school_class=school_class, pk__in=ids, state=ReceiptState.PENDING
    )
    recorded = pending.update(
        state=ReceiptState.CONFIRMED,
        channel=channel,
        confirmed_at=now or timezone.now(),
        recorded_by=actor,
        note=note.strip()[:200],
    )
    if recorded:
        ReceiptTally.objects.for_user(actor, "view").filter(letter=letter, school_class=school_class).update(
            confirmed=F("confirmed") + recorded
        )
    return recorded


# --- home–school activities ----------------------------------------------------------------------


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    school_class: Any,
    kind: str,
    held_on: dt.date,
    topic: str,
    guardians_reached: int,
    today: dt.date | None = None,
) -> HomeSchoolActivity:
    """A parent meeting, home visits or an open day of one class, recorded by its teacher or the school."""
    from .selectors import can_see_class

    ensure_in_scope(actor, school_class)
    ensure_allowed(actor, "families.activity.create", school_class)
    if not can_see_class(actor, school_class):
        raise OutOfScope()
    if kind not in ActivityKind.values:
        raise InvalidInput()
    if held_on > (today or timezone.localdate()):
        raise InvalidInput(_("活动日期不能晚于今天：请在活动结束后登记。 Record an activity after it took place."))
    activity = HomeSchoolActivity(
        unit_id=school_class.unit_id,
        school_class=school_class,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        guardians_reached=guardians_reached,
        recorded_by=actor,
    )
    activity.full_clean()
    activity.save()
    ensure_in_scope(actor, activity)
    return activity
