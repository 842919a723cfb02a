"""Queue jobs that deliver email and SMS. Each message fails alone: failures are logged, never raised."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage, get_connection

from .sms import send_sms

logger = logging.getLogger(__name__)


def send_emails(subject: str, body: str, addresses: list[str]) -> int:
    """One message per address over one connection; returns how many were accepted by the mail server."""
    sent = 0
    try:
        connection = get_connection()
        connection.open()
    except Exception:  # a mail outage must not break the job queue
        logger.exception("Could not connect to the mail server; %d notification emails not sent", len(addresses))
        return 0
    try:
        for address in addresses:
            try:
                sent += EmailMessage(subject, body, to=[address], connection=connection).send()
            except Exception:
                logger.exception("Notification email to %s failed", address)
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Closing the mail connection failed", exc_info=True)
    return sent


def send_texts(text: str, phones: list[str]) -> int:
    """One SMS per number; returns how many the provider accepted."""
    return sum(1 for phone in phones if send_sms(phone, text).ok)
