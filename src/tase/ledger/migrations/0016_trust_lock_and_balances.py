"""The database keeps the period lock and the account balances itself.

**Period lock.** Migration 0009 refuses a posted voucher dated on or before its company's
``ledger_periodlock.locked_until``; but the lock row was plain application data, so raw SQL
under the application's role could move the lock back, post, and move it forward again with
no trace. Now:

- the lock moves back, or is removed, only in a transaction that has recorded the
  ``unlock_period`` audit event of exactly that change (old date → new date) as the lock's
  newest lock/unlock event: what :func:`tase.ledger.services.unlock_period` does. An event
  forged with raw SQL breaks the audit hash chain (``tase audit verify``), so moving the lock
  back always leaves evidence; an old unlock event cannot be replayed (a later
  ``lock_period`` event is newer);
- the lock never moves before the end of a closed fiscal year, and never to another
  company;
- an entry dated in the locked period is refused when inserted (both databases), and on
  SQLite, which has no immutability triggers (migration 0002 is PostgreSQL's), an entry or
  a posted voucher dated in the locked period is refused when updated. SQLite refuses no
  DELETE: Django empties every table between transactional tests (the browser tests) with
  DELETE statements in no fixed order, which such a trigger would refuse; PostgreSQL empties
  them with TRUNCATE, which row triggers do not see, so it keeps its delete guards.

**Account balances.** ``ledger_accountbalance`` (debits and credits per account and month,
which the reports read) was written by the services in the same transaction as the entries,
so the application's role could also rewrite it: a report could then disagree with the
entries. Now a trigger on ``ledger_entry`` adds every inserted entry to its month's balance
(PostgreSQL: once per statement from the transition table, in account order so that
concurrent posts take the balance rows' locks in one order; SQLite: a row trigger), and:

- PostgreSQL refuses any INSERT, UPDATE or DELETE of ``ledger_accountbalance`` that does not
  come from that trigger (``pg_trigger_depth()``), whatever the role; the maintaining
  function is ``SECURITY DEFINER`` (it runs as the schema owner), so ``tase db setup-roles``
  leaves the application role only ``SELECT`` on the table (``tase.core.dbroles.READ_ONLY``);
- SQLite has no roles: its row trigger keeps the balances, the services no longer write them.

Errors are integrity errors (SQLSTATE 23514 on PostgreSQL, ``RAISE(ABORT)`` on SQLite).
SQLite's schema editor rebuilds a table to alter it, which drops its triggers: a later
migration that alters one of these tables on SQLite must create them again
(tests/ledger/test_db_lock_balances.py checks that they exist).
"""

from importlib import import_module

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_guard_period_lock() RETURNS trigger AS $$
DECLARE
    wanted jsonb;
    newest record;
    closed_end date;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.company_id <> OLD.company_id THEN
        RAISE EXCEPTION 'period lock %: a lock cannot move to another company', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.locked_until >= OLD.locked_until THEN
        RETURN NEW;  -- locking more is always allowed
    END IF;
    SELECT MAX(y."end") INTO closed_end FROM ledger_fiscalyear y
     WHERE y.company_id = OLD.company_id AND y.state = 'closed';
    IF closed_end IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.locked_until < closed_end) THEN
        RAISE EXCEPTION 'period lock %: a closed fiscal year (ending %) stays locked',
            OLD.id, closed_end
            USING ERRCODE = 'check_violation';
    END IF;
    wanted := jsonb_build_array(to_char(OLD.locked_until, 'YYYY-MM-DD'),
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_char(NEW.locked_until, 'YYYY-MM-DD') END);
    SELECT e.action, e.changes -> 'locked_until' AS change INTO newest
      FROM core_auditevent e
     WHERE e.object_type = 'ledger.periodlock' AND e.object_id = OLD.id::text
       AND e.action IN ('lock_period', 'unlock_period')
     ORDER BY e.id DESC LIMIT 1;
    IF NOT FOUND OR newest.action <> 'unlock_period' OR newest.change IS DISTINCT FROM wanted THEN
        RAISE EXCEPTION 'period lock %: moving the lock back from % needs its unlock_period audit event (unlock the period in Tase)',
            OLD.id, OLD.locked_until
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_periodlock_guard
    BEFORE UPDATE OR DELETE ON ledger_periodlock
    FOR EACH ROW EXECUTE FUNCTION ledger_guard_period_lock();

CREATE OR REPLACE FUNCTION ledger_check_entries_unlocked() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.voucher_id, e.date, l.locked_until INTO bad
      FROM new_entries e JOIN ledger_periodlock l ON l.company_id = e.company_id
     WHERE e.date <= l.locked_until LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'an entry of voucher % is dated %, in the period locked until %',
            bad.voucher_id, bad.date, bad.locked_until
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_unlocked_insert
    AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_entries_unlocked();

CREATE OR REPLACE FUNCTION ledger_add_entries_to_balances() RETURNS trigger
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO ledger_accountbalance
           (company_id, account_id, year, month, debit_cents, credit_cents)
    SELECT company_id, account_id, EXTRACT(YEAR FROM date)::smallint,
           EXTRACT(MONTH FROM date)::smallint,
           SUM(CASE WHEN amount_cents > 0 THEN amount_cents ELSE 0 END),
           SUM(CASE WHEN amount_cents < 0 THEN -amount_cents ELSE 0 END)
      FROM new_entries
     GROUP BY company_id, account_id, EXTRACT(YEAR FROM date), EXTRACT(MONTH FROM date)
     ORDER BY account_id, 3, 4
    ON CONFLICT (account_id, year, month) DO UPDATE SET
        debit_cents = ledger_accountbalance.debit_cents + excluded.debit_cents,
        credit_cents = ledger_accountbalance.credit_cents + excluded.credit_cents;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_balances
    AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_add_entries_to_balances();

CREATE OR REPLACE FUNCTION ledger_refuse_balance_write() RETURNS trigger AS $$
BEGIN
    -- 1: this trigger fired by a statement of its own; 2 or more: fired by the statement
    -- of ledger_add_entries_to_balances (or another trigger).
    IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION '% of ledger_accountbalance is not allowed: the database keeps the balances from the entries',
            TG_OP
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_accountbalance_kept
    BEFORE INSERT OR UPDATE OR DELETE ON ledger_accountbalance
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_balance_write();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS ledger_accountbalance_kept ON ledger_accountbalance;
DROP FUNCTION IF EXISTS ledger_refuse_balance_write();
DROP TRIGGER IF EXISTS ledger_entry_balances ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_add_entries_to_balances();
DROP TRIGGER IF EXISTS ledger_entry_unlocked_insert ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_check_entries_unlocked();
DROP TRIGGER IF EXISTS ledger_periodlock_guard ON ledger_periodlock;
DROP FUNCTION IF EXISTS ledger_guard_period_lock();
"""

_SQLITE_LOCKED = """EXISTS (SELECT 1 FROM ledger_periodlock l
                  WHERE l.company_id = {row}.company_id AND {row}.date <= l.locked_until)"""

# The newest lock/unlock audit event of the lock must be the unlock of exactly this change.
_SQLITE_UNLOCK_EVENT = """
    SELECT RAISE(ABORT, 'moving the period lock back needs its unlock_period audit event (unlock the period in Tase)')
     WHERE NOT EXISTS (
           SELECT 1 FROM (
                  SELECT e.action, e.changes FROM core_auditevent e
                   WHERE e.object_type = 'ledger.periodlock'
                     AND e.object_id = CAST(OLD.id AS TEXT)
                     AND e.action IN ('lock_period', 'unlock_period')
                   ORDER BY e.id DESC LIMIT 1) n
            WHERE n.action = 'unlock_period'
              AND json_extract(n.changes, '$.locked_until[0]') = OLD.locked_until
              AND {new_matches});
"""

_SQLITE_CLOSED_YEAR = """
    SELECT RAISE(ABORT, 'a closed fiscal year stays locked')
     WHERE EXISTS (SELECT 1 FROM ledger_fiscalyear y
                    WHERE y.company_id = OLD.company_id AND y.state = 'closed'
                      AND {condition});
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER ledger_periodlock_company_kept
    BEFORE UPDATE OF company_id ON ledger_periodlock
    WHEN NEW.company_id IS NOT OLD.company_id
    BEGIN
    SELECT RAISE(ABORT, 'a period lock cannot move to another company');
    END""",
    f"""CREATE TRIGGER ledger_periodlock_guard_update
    BEFORE UPDATE OF locked_until ON ledger_periodlock
    WHEN NEW.locked_until < OLD.locked_until
    BEGIN
    {_SQLITE_CLOSED_YEAR.format(condition='NEW.locked_until < y."end"')}
    {
        _SQLITE_UNLOCK_EVENT.format(
            new_matches="json_extract(n.changes, '$.locked_until[1]') = NEW.locked_until"
        )
    }
    END""",
    f"""CREATE TRIGGER ledger_entry_unlocked_insert
    BEFORE INSERT ON ledger_entry
    WHEN {_SQLITE_LOCKED.format(row="NEW")}
    BEGIN
    SELECT RAISE(ABORT, 'the entry is dated in a locked period');
    END""",
    f"""CREATE TRIGGER ledger_entry_unlocked_update
    BEFORE UPDATE ON ledger_entry
    WHEN {_SQLITE_LOCKED.format(row="OLD")} OR {_SQLITE_LOCKED.format(row="NEW")}
    BEGIN
    SELECT RAISE(ABORT, 'the entry is dated in a locked period');
    END""",
    f"""CREATE TRIGGER ledger_voucher_unlocked_update
    BEFORE UPDATE ON ledger_voucher
    WHEN OLD.state = 'posted' AND {_SQLITE_LOCKED.format(row="OLD")}
    BEGIN
    SELECT RAISE(ABORT, 'the voucher is dated in a locked period');
    END""",
    """CREATE TRIGGER ledger_entry_balances
    AFTER INSERT ON ledger_entry
    BEGIN
    INSERT INTO ledger_accountbalance
           (company_id, account_id, year, month, debit_cents, credit_cents)
    VALUES (NEW.company_id, NEW.account_id,
            CAST(substr(NEW.date, 1, 4) AS INTEGER), CAST(substr(NEW.date, 6, 2) AS INTEGER),
            MAX(NEW.amount_cents, 0), MAX(-NEW.amount_cents, 0))
    ON CONFLICT (account_id, year, month) DO UPDATE SET
        debit_cents = debit_cents + excluded.debit_cents,
        credit_cents = credit_cents + excluded.credit_cents;
    END""",
]

SQLITE_TRIGGERS = [
    "ledger_periodlock_company_kept",
    "ledger_periodlock_guard_update",
    "ledger_entry_unlocked_insert",
    "ledger_entry_unlocked_update",
    "ledger_voucher_unlocked_update",
    "ledger_entry_balances",
]

SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name in reversed(SQLITE_TRIGGERS)]


# Runs each vendor's statements without parameters (migration 0009's helper: history, fixed).
_run = import_module("tase.ledger.migrations.0009_db_posting_rules")._run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0015_fs_statement_book"), ("core", "0006_audit_hash_chain")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_FORWARD], "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": [PG_BACKWARD], "sqlite": SQLITE_BACKWARD}),
        )
    ]
