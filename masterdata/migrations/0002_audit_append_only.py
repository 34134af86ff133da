"""On PostgreSQL the audit table refuses UPDATE, DELETE and TRUNCATE for every role."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION masterdata_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'jejak audit hanya boleh ditambah: % ditolak', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER masterdata_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON masterdata_auditevent
    FOR EACH ROW EXECUTE FUNCTION masterdata_auditevent_append_only();

CREATE TRIGGER masterdata_auditevent_no_truncate
    BEFORE TRUNCATE ON masterdata_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION masterdata_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS masterdata_auditevent_no_truncate ON masterdata_auditevent;
DROP TRIGGER IF EXISTS masterdata_auditevent_no_update_delete ON masterdata_auditevent;
DROP FUNCTION IF EXISTS masterdata_auditevent_append_only();
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("masterdata", "0001_initial")]

    operations = [migrations.RunPython(run_on_postgresql(CREATE), run_on_postgresql(DROP))]
