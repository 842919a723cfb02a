"""Queue entry points (thin wrappers around ``publishing`` and ``delivery``)."""

from __future__ import annotations


def publish_letter(letter_id: int) -> None:
    from .publishing import publish

    publish(letter_id)


def deliver_sms(letter_id: int) -> None:
    from .delivery import deliver

    deliver(letter_id)


def retry_failed_sms() -> None:
    from .delivery import retry_due

    retry_due()
