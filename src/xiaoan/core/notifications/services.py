"""``notify`` and the inbox writes. Delivery by email and SMS runs on the queue after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from xiaoan.core.errors import OutOfScope
from xiaoan.core.tasks import enqueue

from .models import Notification
from .registry import get_event
from .sms import InvalidMobile, normalize_mobile

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


@transaction.atomic
def notify(
    recipients: Iterable[Any], event: str, context: dict[str, Any], *, channels: Iterable[str] | None = None
) -> list[Notification]:
    """Tell ``recipients`` about ``event`` on its channels (or those given): inbox rows now, email/SMS after commit.

    The texts are rendered once from ``context`` (``context["url"]``, if any, is the link of the message);
    inactive accounts are skipped; delivery failures are logged and never reach the caller.
    """
    spec = get_event(event)
    chosen = set(channels if channels is not None else spec.channels)
    people = list({user.pk: user for user in recipients if user.is_active}.values())
    if not people:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title, body, sms = spec.render(context)
    url = str(context.get("url", ""))
    rows: list[Notification] = []
    if "inbox" in chosen:
        rows = Notification.objects.bulk_create(
            [Notification(recipient=user, event=event, title=title, body=body, url=url) for user in people],
            batch_size=BATCH_SIZE,
        )
    if "email" in chosen:
        addresses = [user.email for user in people if user.email]
        if addresses:
            _enqueue_safely("xiaoan.core.notifications.delivery.send_emails", title, _email_body(body, url), addresses)
    if "sms" in chosen:
        phones = _mobile_numbers(people)
        if phones:
            _enqueue_safely("xiaoan.core.notifications.delivery.send_texts", sms, phones)
    return rows


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise OutOfScope()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def _email_body(body: str, url: str) -> str:
    base = getattr(settings, "XIAOAN_BASE_URL", "").rstrip("/")
    if url and base and url.startswith("/"):
        return f"{body}\n\n{base}{url}"
    return body


def _mobile_numbers(people: list[models.Model]) -> list[str]:
    numbers = []
    for user in people:
        try:
            numbers.append(normalize_mobile(getattr(user, "phone", "")))
        except InvalidMobile:
            logger.info("No SMS for user %s: no valid mobile number", user.pk)
    return numbers


def _enqueue_safely(func: str, *args: Any) -> None:
    def send() -> None:
        try:
            enqueue(func, *args, group="notifications", on_commit=False)
        except Exception:  # the caller's work is committed; delivery is best effort
            logger.exception("Could not queue %s", func)

    transaction.on_commit(send)
