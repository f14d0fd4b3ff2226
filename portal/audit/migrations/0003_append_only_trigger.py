"""On PostgreSQL the database itself keeps the records append-only, whatever the application does.

audit_auditevent: UPDATE is always refused; DELETE only of rows older than 180 days (网络安全法 第二十一条:
at least six months), which is what `purge_audit_log` does. review_reviewrecord and
review_deadlineextension (the workflow's signed history): UPDATE and DELETE are always refused.
TRUNCATE (used by `flush` and by restore) is a deliberate, table-wide operation and is not blocked.
SQLite has no such trigger here: there the model and queryset refusals are the protection.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    -- TG_ARGV[0]: days after which a row may be deleted; absent means never.
    IF TG_OP = 'DELETE' AND TG_NARGS > 0 AND OLD.at < now() - make_interval(days => TG_ARGV[0]::int) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% 只能追加，不允许 %', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("audit_auditevent", "'180'"),
    ("review_reviewrecord", ""),
    ("review_deadlineextension", ""),
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the body contains % signs, not placeholders
    for table, arguments in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION portal_refuse_change({arguments})"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _ in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_user_reference_without_constraint"),
        ("review", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
