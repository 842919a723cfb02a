"""Migration operations the apps share: a periodic job every install has, and PostgreSQL-only indexes.

Periodic jobs are created by migrations, never by hand (docs/operations.md §5), so every install — demo, test
database, production — has the same schedules; reversing the migration removes the job.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import migrations

# the django-q2 migration that creates its Schedule table: a schedule's migration depends on it
DJANGO_Q = ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")


def periodic_job(name: str, func: str, *, minutes: int | None = None, cron: str | None = None) -> migrations.RunPython:
    """Create (or update) the periodic job ``name`` running ``func``; reversed, delete it."""

    def create(apps, schema_editor):
        from xiaoan.core.tasks import ensure_schedule

        ensure_schedule(name, func, minutes=minutes, cron=cron)

    def remove(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=name).delete()

    return migrations.RunPython(create, remove)


def postgresql_indexes(indexes: Mapping[str, str]) -> migrations.RunPython:
    """``CREATE INDEX name ON target`` for each entry, on PostgreSQL only (e.g. ``varchar_pattern_ops`` indexes for
    ``LIKE 'prefix%'``, which SQLite serves with its own indexes); reversed, drop them."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, target in indexes.items():
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
