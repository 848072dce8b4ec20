"""On PostgreSQL, make the status history append-only in the database itself.

The model and queryset already refuse updates and deletes; the trigger also stops raw
SQL and any future code path that forgets. SQLite (the embedded default) relies on the
application checks.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION planportal_status_update_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'actions_statusupdate is append-only: %% is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER status_update_append_only
    BEFORE UPDATE OR DELETE ON actions_statusupdate
    FOR EACH ROW EXECUTE FUNCTION planportal_status_update_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS status_update_append_only ON actions_statusupdate;
DROP FUNCTION IF EXISTS planportal_status_update_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # execute() with params=None still treats % as a placeholder; the SQL doubles it.
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("actions", "0002_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
