"""On PostgreSQL the database itself guards the books.

- A posted voucher cannot be updated or deleted (a draft can, and a draft may
  become posted).
- An entry of a posted voucher cannot be updated or deleted.
- At commit, the entries of each voucher touched must sum to zero (a deferred
  constraint trigger: the database's own check that every voucher balances).

SQLite has no such triggers here; the models and services refuse the same things.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_refuse_posted_voucher_change() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'posted' THEN
        RAISE EXCEPTION '% of posted voucher % is not allowed: reverse it instead', TG_OP, OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_voucher_immutable
    BEFORE UPDATE OR DELETE ON ledger_voucher
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_posted_voucher_change();

CREATE OR REPLACE FUNCTION ledger_refuse_posted_entry_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_voucher WHERE id = OLD.voucher_id AND state = 'posted') THEN
        RAISE EXCEPTION '% of an entry of posted voucher % is not allowed', TG_OP, OLD.voucher_id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_immutable
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_posted_entry_change();

CREATE OR REPLACE FUNCTION ledger_check_voucher_balances() RETURNS trigger AS $$
DECLARE
    total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_cents), 0) INTO total FROM ledger_entry WHERE voucher_id = NEW.voucher_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'voucher % does not balance: its entries sum to % cents', NEW.voucher_id, total;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_entry_balanced
    AFTER INSERT ON ledger_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_voucher_balances();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_voucher_immutable ON ledger_voucher;
DROP FUNCTION IF EXISTS ledger_check_voucher_balances();
DROP FUNCTION IF EXISTS ledger_refuse_posted_entry_change();
DROP FUNCTION IF EXISTS ledger_refuse_posted_voucher_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Without parameters, so the driver leaves the "%" of RAISE alone.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial"), ("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forward, backward)]
