"""On PostgreSQL a ``LIKE 'prefix%'`` filter needs a pattern-ops index to use it (SQLite uses its own)."""

from django.db import migrations

from xiaoan.core.migration_ops import postgresql_indexes


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [postgresql_indexes({"orgs_unit_path_prefix": "orgs_unit (path varchar_pattern_ops)"})]
