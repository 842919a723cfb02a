"""Writes of safety education: record and edit an activity (with its topics), remind schools of theme days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.attachments.services import attachment_add
from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope

from .models import ActivityTopic, EducationActivity, ThemeDayNotice, Topic

ACTIVITY_FIELDS = frozenset(
    "title date form grade classes_text classes_reached headcount organiser summary materials".split()
)


def _clean_topics(topics: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(topics))
    if not chosen:
        raise InvalidInput(_("请至少选择一个教育主题。 Choose at least one topic."))
    unknown = set(chosen) - set(Topic.values)
    if unknown:
        raise InvalidInput(_("未知的教育主题。 Unknown topic."))
    return chosen


def _check_fields(fields: dict[str, Any], *, today: dt.date) -> None:
    unknown = set(fields) - ACTIVITY_FIELDS
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if fields.get("date") and fields["date"] > today:
        raise InvalidInput(_("活动日期不能晚于今天：请在活动开展后登记。 The date cannot be in the future."))


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    unit: Any,
    topics: Iterable[str],
    photos: Iterable[Any] = (),
    today: dt.date | None = None,
    **fields: Any,
) -> EducationActivity:
    """Record an activity a school has held, with the topics it covered and photos taken at it."""
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "education.educationactivity.create", unit)
    _check_fields(fields, today=today or timezone.localdate())
    chosen = _clean_topics(topics)
    activity = EducationActivity(unit=unit, recorded_by=actor, **fields)
    if not activity.organiser:
        activity.organiser = getattr(actor, "display_name", "")[:50]
    activity.full_clean()
    activity.save()
    ActivityTopic.objects.bulk_create([ActivityTopic(activity=activity, topic=topic) for topic in chosen])
    for photo in photos:
        if photo:
            attachment_add(actor=actor, owner=activity, upload=photo)
    ensure_in_scope(actor, activity)
    _refresh_obligations(activity)
    return activity


@transaction.atomic
def activity_update(
    *, actor: Any, activity: EducationActivity, topics: Iterable[str], today: dt.date | None = None, **fields: Any
) -> EducationActivity:
    """Change an activity's details and topics (its school stays the same)."""
    ensure_in_scope(actor, activity)
    ensure_allowed(actor, "education.educationactivity.change", activity)
    _check_fields(fields, today=today or timezone.localdate())
    chosen = _clean_topics(topics)
    for key, value in fields.items():
        setattr(activity, key, value)
    activity.full_clean()
    activity.save()
    current = set(activity.topic_values())
    activity.topics.exclude(topic__in=chosen).delete()
    ActivityTopic.objects.bulk_create(
        [ActivityTopic(activity=activity, topic=topic) for topic in chosen if topic not in current]
    )
    ensure_in_scope(actor, activity)
    _refresh_obligations(activity)
    return activity


def _refresh_obligations(activity: EducationActivity) -> None:
    """Theme-day obligations the city has switched on are recomputed for this school after commit."""
    from xiaoan.compliance.obligations import request_refresh
    from xiaoan.core.rules.services import get_rule

    for key in get_rule("education.theme_day_obligations", on=activity.date):
        request_refresh(f"education.theme_day_{key}", unit_ids=[activity.unit_id], day=activity.date)


def theme_day_remind(*, today: dt.date | None = None) -> list[ThemeDayNotice]:
    """Tell every school's safety officers about theme days starting within the notice period — once each.

    Run daily by a schedule; a theme day already reminded of (a ``ThemeDayNotice`` row) is skipped, so
    running it twice, or catching up after a missed day, never sends a second message.
    """
    from xiaoan.core.notifications.services import notify
    from xiaoan.core.rules.services import get_rule

    from .themedays import upcoming

    day = today or timezone.localdate()
    days = upcoming(
        day,
        get_rule("education.theme_day_notice_days", on=day),
        keys=get_rule("education.theme_days", on=day),
        march_method=get_rule("education.safety_day_method", on=day),
    )
    sent = []
    for theme_day in days:
        if theme_day.start < day:
            continue  # already running: reminding now would be late, not helpful
        with transaction.atomic():
            try:
                with transaction.atomic():
                    notice = ThemeDayNotice.objects.create(key=theme_day.key, start=theme_day.start)
            except IntegrityError:
                continue
            officers = _school_safety_officers()
            context = {
                "name": str(theme_day.name),
                "start": theme_day.start,
                "end": theme_day.end,
                "days": (theme_day.start - day).days,
                "url": reverse("education:activity_create"),
            }
            notify(officers, "education.theme_day_upcoming", context)
            notice.recipients = len(officers)
            notice.save(update_fields=["recipients"])
            sent.append(notice)
    return sent


def _school_safety_officers() -> list[Any]:
    from xiaoan.orgs.models import Membership, User
    from xiaoan.orgs.roles import Role, UnitKind

    posts = Membership.objects.system("theme-day reminders go to every school's safety officers").filter(
        role=Role.SAFETY_OFFICER, is_active=True, unit__kind=UnitKind.SCHOOL, unit__is_active=True
    )
    return list(User.objects.filter(pk__in=posts.values("user_id"), is_active=True))
