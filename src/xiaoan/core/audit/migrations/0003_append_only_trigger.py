"""On PostgreSQL the database itself refuses UPDATE and DELETE of audit rows (security events and data changes).

Only a transaction that ran ``SET LOCAL xiaoan.audit_purge = 'on'`` passes — the retention purge
(``xiaoan.core.audit.tasks.audit_maintenance``). SQLite has no such triggers here: the models refuse there.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "auditlog_logentry")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION xiaoan_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('xiaoan.audit_purge', true), '') = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)  # no parameters: RAISE uses % itself
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION xiaoan_audit_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS xiaoan_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_prefix_indexes_and_purge_schedule"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
