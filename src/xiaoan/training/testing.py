"""Test helpers other modules may reuse: a training session with attendees, straight into the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .models import StaffCategory, TrainingRecord, TrainingSession


def make_session(
    unit: Any,
    *,
    category: str = StaffCategory.ALL_STAFF,
    fire: bool = False,
    date: dt.date | None = None,
    title: str = "消防安全培训",
    **extra: Any,
) -> TrainingSession:
    return TrainingSession.objects.create(
        unit=unit,
        title=title,
        category=category,
        date=date or timezone.localdate(),
        hours=Decimal(2),
        provider=extra.pop("provider", "辖区消防救援站"),
        is_fire_training=fire,
        **extra,
    )


def attend(
    session: TrainingSession, name: str, *, user: Any = None, id_number: str = "", **extra: Any
) -> TrainingRecord:
    return TrainingRecord.objects.create(session=session, name=name, user=user, id_number=id_number, **extra)
