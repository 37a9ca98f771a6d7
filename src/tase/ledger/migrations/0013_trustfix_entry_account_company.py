"""The database refuses an entry booked to an account of another company.

An entry carries its voucher's company (migration 0009 makes the database check that), and
its account is a row of some company's chart: the two must be the same company, or a
voucher of one customer could move money on another customer's account and every report of
both would be wrong. The services only ever look accounts up in the voucher's company; these
triggers refuse the same rows when anything else writes them (raw SQL under the
application's database role, a bulk path that skips a look-up):

- an entry (inserted or updated) whose account belongs to another company than the entry;
- an account moved to another company while it has entries.

PostgreSQL checks once per statement (a transition table), so an import that writes many
entries with COPY pays one join on the account's primary key, not a trigger call per row;
SQLite has row triggers only. Errors are integrity errors (SQLSTATE 23514 on PostgreSQL,
``RAISE(ABORT)`` on SQLite), both naming "an account of another company".

SQLite's schema editor rebuilds a table to alter it, which drops its triggers: a later
migration that alters ledger_entry or ledger_account on SQLite must create these again
(tests/ledger/test_entry_account_company.py checks that they exist).
"""

from importlib import import_module

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_check_entry_account_company() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.voucher_id, e.account_id, e.company_id, a.company_id AS account_company INTO bad
      FROM new_entries e JOIN ledger_account a ON a.id = e.account_id
     WHERE a.company_id <> e.company_id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'voucher %: account % is an account of another company (%), not of the voucher''s company %',
            bad.voucher_id, bad.account_id, bad.account_company, bad.company_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_account_company_insert
    AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_entry_account_company();

CREATE TRIGGER ledger_entry_account_company_update
    AFTER UPDATE ON ledger_entry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_entry_account_company();

CREATE OR REPLACE FUNCTION ledger_refuse_account_company_change() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_entry WHERE account_id = OLD.id) THEN
        RAISE EXCEPTION 'account % has entries: it cannot become an account of another company',
            OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_account_company_kept
    BEFORE UPDATE OF company_id ON ledger_account
    FOR EACH ROW WHEN (OLD.company_id IS DISTINCT FROM NEW.company_id)
    EXECUTE FUNCTION ledger_refuse_account_company_change();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS ledger_account_company_kept ON ledger_account;
DROP FUNCTION IF EXISTS ledger_refuse_account_company_change();
DROP TRIGGER IF EXISTS ledger_entry_account_company_update ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_entry_account_company_insert ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_entry_account_company();
"""

# SQLite: one statement per trigger (the driver runs them one at a time).
_SQLITE_ENTRY_CHECK = """
    SELECT RAISE(ABORT, 'the entry''s account is an account of another company than its voucher''s')
     WHERE NOT EXISTS (
           SELECT 1 FROM ledger_account a
            WHERE a.id = NEW.account_id AND a.company_id = NEW.company_id);
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER ledger_entry_account_company_insert
    BEFORE INSERT ON ledger_entry
    BEGIN {_SQLITE_ENTRY_CHECK} END""",
    f"""CREATE TRIGGER ledger_entry_account_company_update
    BEFORE UPDATE OF account_id, company_id ON ledger_entry
    BEGIN {_SQLITE_ENTRY_CHECK} END""",
    """CREATE TRIGGER ledger_account_company_kept
    BEFORE UPDATE OF company_id ON ledger_account
    WHEN NEW.company_id IS NOT OLD.company_id
     AND EXISTS (SELECT 1 FROM ledger_entry e WHERE e.account_id = OLD.id)
    BEGIN
    SELECT RAISE(ABORT, 'the account has entries: it cannot become an account of another company');
    END""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_account_company_kept",
    "DROP TRIGGER IF EXISTS ledger_entry_account_company_update",
    "DROP TRIGGER IF EXISTS ledger_entry_account_company_insert",
]


# Runs each vendor's statements without parameters (migration 0009's helper: history, fixed).
_run = import_module("tase.ledger.migrations.0009_db_posting_rules")._run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0012_cashvat_cash_basis_vat")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_FORWARD], "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": [PG_BACKWARD], "sqlite": SQLITE_BACKWARD}),
        )
    ]
