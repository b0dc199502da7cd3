"""On PostgreSQL, the database itself refuses to change or delete audit rows."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION vicp_audit_event_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'vicp_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER vicp_auditevent_append_only
    BEFORE UPDATE OR DELETE ON vicp_auditevent
    FOR EACH ROW EXECUTE FUNCTION vicp_audit_event_is_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS vicp_auditevent_append_only ON vicp_auditevent;
DROP FUNCTION IF EXISTS vicp_audit_event_is_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("vicp", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
