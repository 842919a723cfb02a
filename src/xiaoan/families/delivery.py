"""SMS delivery of personal receipt links: batched, throttled by a rule, retried with back-off, state per link.

A job sends the queued links of one letter in batches (rows locked with SKIP LOCKED on PostgreSQL, so two jobs
never send the same message), records the outcome of every message, and queues itself again while work is
left. Failed messages are retried by a periodic job after 2, 4, 8 … minutes, up to a rule's number of attempts.

Publication queues every link without reading the guardians (it must stay a plain ``INSERT … SELECT``): this
job, which loads each guardian anyway, marks the links of guardians without a number ``no_mobile``, without
spending a slot of the throttle on them.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.crypto import mask_name
from xiaoan.core.errors import Conflict
from xiaoan.core.notifications.sms import InvalidMobile, send_sms
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, unscoped
from xiaoan.core.tasks import enqueue

from . import tokens
from .models import Letter, LetterState, ReceiptLink, ReceiptState, SmsState

BATCH = 500
JOB_SECONDS = 300  # one job sends at most this many seconds' worth of messages, then queues the next
REASON = "SMS delivery job of a published letter"
LINK_FIELDS = ["sms_state", "sms_attempts", "sms_next_at", "sms_sent_at", "sms_error"]


def receipt_url(receipt_id: int, guardian_id: int) -> str:
    base = getattr(settings, "XIAOAN_BASE_URL", "").rstrip("/")
    return base + reverse("families:receipt", args=[tokens.make_token(receipt_id, guardian_id)])


def queue_delivery(letter_id: int) -> None:
    enqueue("xiaoan.families.tasks.deliver_sms", letter_id, group="families-sms")


def sms_text(link: ReceiptLink) -> str:
    values = {
        "school": link.receipt.unit.name,
        "title": link.letter.title,
        "pupil": mask_name(link.receipt.pupil.name),
        "url": receipt_url(link.receipt_id, link.guardian_id),
    }
    if link.reminded_on:
        return _("提醒：%(school)s《%(title)s》尚未回执（%(pupil)s），请阅读后确认：%(url)s") % values
    return _("%(school)s致家长：《%(title)s》（%(pupil)s），请阅读后确认回执：%(url)s") % values


class Throttle:
    """At most ``rate`` calls a second, evenly spaced."""

    def __init__(self, rate: int, sleep: Callable[[float], None] = time.sleep, clock=time.monotonic) -> None:
        self.interval, self.sleep, self.clock = 1.0 / max(rate, 1), sleep, clock
        self.next_at = clock()

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=2**attempts)


def deliver(
    letter_id: int, *, budget: int | None = None, sleep: Callable[[float], None] = time.sleep
) -> dict[str, int]:
    """Send the queued messages of one letter (up to ``budget``); returns counts by outcome."""
    rate = get_rule("families.sms_per_second")
    max_attempts = get_rule("families.sms_max_attempts")
    budget = budget if budget is not None else rate * JOB_SECONDS
    throttle = Throttle(rate, sleep=sleep)
    counts = {"sent": 0, "failed": 0, "no_mobile": 0}
    done = 0
    while done < budget:
        with transaction.atomic():
            batch = list(
                ReceiptLink.objects.system(REASON)
                .filter(letter_id=letter_id, sms_state=SmsState.QUEUED)
                .select_related("guardian", "letter", "receipt__unit", "receipt__pupil")
                .defer("receipt__pupil__id_number")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[: min(BATCH, budget - done)]
            )
            if not batch:
                break
            for link in batch:
                if not link.guardian.mobile:
                    counts[_no_mobile(link)] += 1
                    continue
                throttle.wait()
                counts[_send_one(link, max_attempts)] += 1
            with unscoped(REASON):
                ReceiptLink.objects.bulk_update(batch, LINK_FIELDS)
        done += len(batch)
    left = ReceiptLink.objects.system(REASON).filter(letter_id=letter_id, sms_state=SmsState.QUEUED)
    if done >= budget and left.exists():
        queue_delivery(letter_id)
    return counts


def _no_mobile(link: ReceiptLink) -> str:
    """Nothing to send to: the family gets the printed letter with its QR code instead."""
    link.sms_state, link.sms_error, link.sms_next_at = SmsState.NO_MOBILE, "", None
    return "no_mobile"


def _send_one(link: ReceiptLink, max_attempts: int) -> str:
    now = timezone.now()
    try:
        result = send_sms(link.guardian.mobile, sms_text(link))
    except InvalidMobile:
        return _no_mobile(link)
    link.sms_attempts += 1
    if result.ok:
        link.sms_state, link.sms_sent_at, link.sms_error, link.sms_next_at = SmsState.SENT, now, "", None
        return "sent"
    link.sms_state, link.sms_error = SmsState.FAILED, (result.error or str(result.status or ""))[:200]
    link.sms_next_at = now + backoff(link.sms_attempts) if link.sms_attempts < max_attempts else None
    return "failed"


def retry_due(now: dt.datetime | None = None) -> int:
    """Queue again the failed messages whose back-off has passed; returns how many."""
    now = now or timezone.now()
    due = ReceiptLink.objects.system(REASON).filter(
        sms_state=SmsState.FAILED, sms_next_at__isnull=False, sms_next_at__lte=now, letter__state=LetterState.PUBLISHED
    )
    letters = set(due.values_list("letter_id", flat=True).distinct())
    count = due.update(sms_state=SmsState.QUEUED, sms_next_at=None)
    for letter_id in sorted(letters):
        transaction.on_commit(functools.partial(queue_delivery, letter_id))
    return count


@transaction.atomic
def letter_remind(*, actor: Any, letter: Letter, today: dt.date | None = None) -> int:
    """Text the guardians who have not confirmed yet (in the actor's part of the tree), at most once per interval.

    Only non-responders are reminded, privately, each on the own phone; nobody's name is listed anywhere.
    """
    ensure_allowed(actor, "families.letter.remind")
    if letter.state != LetterState.PUBLISHED:
        raise Conflict(_("只有已发布且未归档的信件可以提醒。 Only an open letter can be reminded."))
    today = today or timezone.localdate()
    interval = get_rule("families.reminder_interval_days")
    threshold = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=interval - 1), dt.time.min))
    links = ReceiptLink.objects.for_user(actor, "families.letter.remind").filter(
        letter=letter, receipt__state=ReceiptState.PENDING, sms_state=SmsState.SENT, sms_sent_at__lt=threshold
    )
    count = (
        ReceiptLink.objects.system("the links chosen above, in scope")
        .filter(pk__in=links.values("pk"))
        .update(sms_state=SmsState.QUEUED, reminded_on=today)
    )
    if count:
        transaction.on_commit(lambda: queue_delivery(letter.pk))
    return count
