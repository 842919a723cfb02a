"""PostgreSQL prefix indexes for the scoped audit reads, and the daily retention purge."""

from django.db import migrations

INDEXES = {
    "audit_event_unit_path_prefix": "audit_auditevent (unit_path varchar_pattern_ops, created_at)",
    "audit_event_object_path_prefix": "audit_auditevent (object_path varchar_pattern_ops, created_at)",
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

    ensure_schedule("audit.purge_expired_audit", "xiaoan.core.audit.tasks.purge_expired_audit", minutes=24 * 60)


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="audit.purge_expired_audit").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
