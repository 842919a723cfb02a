"""Inbox reads. A notification belongs to its recipient: anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404

from .models import Notification


def inbox_for(user: Any) -> models.QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    """One COUNT on the (recipient, read_at) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for(user: Any, pk: Any) -> Notification:
    return get_object_or_404(Notification, pk=pk, recipient=user)
