"""The one way to put work on the queue (django-q2: ORM broker by default, Redis when REDIS_URL is set)."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue(func: str, *args: Any, group: str | None = None, on_commit: bool = True, **kwargs: Any) -> None:
    """Queue ``func`` (a dotted path) after the current transaction commits, so the job sees the data.

    With ``Q_CLUSTER["sync"]`` (tests) the job runs at once, in the same process.
    """
    from django_q.tasks import async_task

    def send() -> None:
        options: dict[str, Any] = {}
        if group:
            options["group"] = group
        async_task(func, *args, **options, **kwargs)

    if on_commit:
        transaction.on_commit(send)
    else:
        send()


def ensure_schedule(name: str, func: str, *, minutes: int | None = None, cron: str | None = None) -> None:
    """Create or update a periodic job by name (called from data migrations, so every install has it)."""
    from django_q.models import Schedule

    if cron:
        defaults = {"func": func, "schedule_type": Schedule.CRON, "cron": cron}
    else:
        defaults = {"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes or 60}
    Schedule.objects.update_or_create(name=name, defaults=defaults)
