"""Test helpers other modules may reuse: an education activity recorded straight into the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from .models import ActivityTopic, EducationActivity, Form, Topic


def make_activity(
    school: Any,
    *,
    topics: Iterable[str] = (Topic.DROWNING,),
    date: dt.date | None = None,
    title: str = "防溺水主题班会",
    classes_reached: int = 2,
    headcount: int = 90,
    **extra: Any,
) -> EducationActivity:
    activity = EducationActivity.objects.create(
        unit=school,
        title=title,
        date=date or timezone.localdate(),
        form=extra.pop("form", Form.LESSON),
        organiser=extra.pop("organiser", "政教处"),
        classes_reached=classes_reached,
        headcount=headcount,
        **extra,
    )
    ActivityTopic.objects.bulk_create([ActivityTopic(activity=activity, topic=topic) for topic in topics])
    return activity
