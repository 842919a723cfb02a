"""PostgreSQL prefix indexes for the scoped hazard lists, and the deadline scan every 15 minutes."""

from django.db import migrations

from xiaoan.core.migration_ops import DJANGO_Q, periodic_job, postgresql_indexes

INDEXES = {
    "hazard_path_prefix_state": "hazards_hazard (unit_path varchar_pattern_ops, state)",
    "hazard_path_prefix_reported": "hazards_hazard (unit_path varchar_pattern_ops, reported_at DESC)",
}


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial"), DJANGO_Q]

    operations = [
        postgresql_indexes(INDEXES),
        periodic_job("hazards.scan_deadlines", "xiaoan.hazards.tasks.scan_deadlines", minutes=15),
    ]
