"""PostgreSQL checks vouchers once per INSERT statement, not once per row.

The deferred row trigger of 0002 ran a SUM over its voucher's entries for every entry
inserted, at commit: three queries for a three-line voucher, three million for an import of a
million vouchers. A statement-level trigger with a transition table checks the vouchers the
statement touched, grouped, when the statement ends:

- the entries inserted for each voucher sum to zero, and
- they are all of its entries: a voucher's entries are written once, in one statement (a
  multi-row INSERT, or COPY for imports). This also closes a gap of 0002, which let balanced
  pairs of entries be added to a voucher already posted.
"""

from django.db import migrations

FORWARD = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_voucher_balances();

CREATE OR REPLACE FUNCTION ledger_check_vouchers_balance() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.voucher_id, n.total,
           (SELECT COUNT(*) FROM ledger_entry e WHERE e.voucher_id = n.voucher_id) AS stored,
           n.lines
      INTO bad
      FROM (SELECT voucher_id, SUM(amount_cents) AS total, COUNT(*) AS lines
              FROM inserted_entries GROUP BY voucher_id) n
     WHERE n.total <> 0
        OR n.lines <> (SELECT COUNT(*) FROM ledger_entry e WHERE e.voucher_id = n.voucher_id)
     LIMIT 1;
    IF FOUND AND bad.total <> 0 THEN
        RAISE EXCEPTION 'voucher % does not balance: its entries sum to % cents',
            bad.voucher_id, bad.total;
    ELSIF FOUND THEN
        RAISE EXCEPTION 'voucher % has entries already: a voucher''s entries are written once',
            bad.voucher_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_balanced
    AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS inserted_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_vouchers_balance();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_vouchers_balance();

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
    dependencies = [("ledger", "0002_immutability")]
    operations = [migrations.RunPython(forward, backward)]
