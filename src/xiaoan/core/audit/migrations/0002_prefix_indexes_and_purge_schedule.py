"""PostgreSQL prefix indexes for the scoped audit reads, and the daily retention purge."""

from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job, postgresql_indexes

INDEXES = {
    "audit_event_unit_path_prefix": "audit_auditevent (unit_path varchar_pattern_ops, created_at)",
    "audit_event_object_path_prefix": "audit_auditevent (object_path varchar_pattern_ops, created_at)",
}


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), DJANGO_Q]

    operations = [
        postgresql_indexes(INDEXES),
        periodic_job("audit.purge_expired_audit", "xiaoan.core.audit.tasks.purge_expired_audit", minutes=24 * 60),
    ]
