"""On PostgreSQL the database refuses TRUNCATE of the audit trail (tase.core.truncate_guard)."""

from django.db import migrations

from tase.core.truncate_guard import backward_sql, forward_sql, run_on_postgresql

TABLES = ["core_auditevent", "core_auditchainhead"]


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_hash_chain")]
    operations = [
        migrations.RunPython(
            run_on_postgresql(forward_sql(TABLES, with_function=True)),
            run_on_postgresql(backward_sql(TABLES, with_function=True)),
        )
    ]
