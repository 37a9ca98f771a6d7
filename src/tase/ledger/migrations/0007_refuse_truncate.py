"""On PostgreSQL the database refuses TRUNCATE of the books: vouchers, entries, balances
and attachments (tase.core.truncate_guard)."""

from django.db import migrations

from tase.core.truncate_guard import backward_sql, forward_sql, run_on_postgresql

TABLES = ["ledger_voucher", "ledger_entry", "ledger_accountbalance", "ledger_attachment"]


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_entry_delivery_date"), ("core", "0007_refuse_truncate")]
    operations = [
        migrations.RunPython(
            run_on_postgresql(forward_sql(TABLES)), run_on_postgresql(backward_sql(TABLES))
        )
    ]
