"""On PostgreSQL, make the audit trail append-only in the database itself.

UPDATE is never allowed. DELETE is allowed only inside the retention service's
transaction, which sets ``planportal.audit_prune`` with SET LOCAL. SQLite relies on the
model and queryset checks.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION planportal_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
            AND coalesce(current_setting('planportal.audit_prune', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: %% is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION planportal_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS planportal_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
