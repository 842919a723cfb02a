"""PostgreSQL prefix indexes for the scoped hazard lists, and the deadline scan every 15 minutes."""

from django.db import migrations

INDEXES = {
    "hazard_path_prefix_state": "hazards_hazard (unit_path varchar_pattern_ops, state)",
    "hazard_path_prefix_reported": "hazards_hazard (unit_path varchar_pattern_ops, reported_at DESC)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_schedule(apps, schema_editor):
    from xiaoan.core.tasks import ensure_schedule

    ensure_schedule("hazards.scan_deadlines", "xiaoan.hazards.tasks.scan_deadlines", minutes=15)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="hazards.scan_deadlines").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
