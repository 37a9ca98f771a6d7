"""The database refuses a posted voucher dated in a locked period or numbered out of sequence.

The services check both before they post (``check_date_open``, the series counter); these
triggers make the database refuse the same rows when anything else writes them, such as a
raw ``INSERT`` under the application's database role:

- a posted voucher dated on or before its company's ``ledger_periodlock.locked_until``;
- a voucher number that does not continue its series in its fiscal year: the numbers of a
  (series, fiscal year) are always 1, 2, … N with no gap (the unique index keeps them
  distinct);
- a draft with a number (a voucher gets its number when it is posted, and a numbered draft
  could later be deleted, leaving a gap).

An entry also carries its voucher's date and company (the reports aggregate entries by them),
so an entry is refused unless its voucher is posted and has the same date and company: else an
entry dated in a locked month could ride on a voucher dated after the lock.

PostgreSQL checks once per statement (transition tables), so an import that writes a
thousand vouchers with COPY pays a few index look-ups per series, not per row: the numbers a
statement gives in one (series, year) must be a run lo…hi with no hole, number lo - 1 must
exist (or lo = 1) and nothing may be numbered above hi. SQLite has row triggers only: each
new number must be the series' highest + 1, which the services' inserts (ascending within a
series) always are. Errors are integrity errors (SQLSTATE 23514 on PostgreSQL,
``RAISE(ABORT)`` on SQLite).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_check_voucher_rules() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT v.id, v.number INTO bad FROM new_vouchers v
     WHERE v.state <> 'posted' AND v.number IS NOT NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'voucher %: a draft has no number (it gets one when posted)', bad.id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT v.id, v.date, l.locked_until INTO bad
      FROM new_vouchers v JOIN ledger_periodlock l ON l.company_id = v.company_id
     WHERE v.state = 'posted' AND v.date <= l.locked_until LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'voucher % is dated %, in the period locked until %',
            bad.id, bad.date, bad.locked_until
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT g.* INTO bad
      FROM (SELECT series_id, fiscal_year_id, MIN(number) AS lo, MAX(number) AS hi,
                   COUNT(*) AS n
              FROM new_vouchers WHERE number IS NOT NULL GROUP BY series_id, fiscal_year_id) g
     WHERE g.hi - g.lo + 1 <> g.n
        OR (g.lo > 1 AND NOT EXISTS (
               SELECT 1 FROM ledger_voucher p WHERE p.series_id = g.series_id
                  AND p.fiscal_year_id = g.fiscal_year_id AND p.number = g.lo - 1))
        OR EXISTS (
               SELECT 1 FROM ledger_voucher p WHERE p.series_id = g.series_id
                  AND p.fiscal_year_id = g.fiscal_year_id AND p.number > g.hi)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'voucher numbers % to % of series % in fiscal year % are not the next in sequence: numbers are gapless',
            bad.lo, bad.hi, bad.series_id, bad.fiscal_year_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_voucher_rules_insert
    AFTER INSERT ON ledger_voucher
    REFERENCING NEW TABLE AS new_vouchers
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_voucher_rules();

CREATE TRIGGER ledger_voucher_rules_update
    AFTER UPDATE ON ledger_voucher
    REFERENCING NEW TABLE AS new_vouchers
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_voucher_rules();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS ledger_voucher_rules_update ON ledger_voucher;
DROP TRIGGER IF EXISTS ledger_voucher_rules_insert ON ledger_voucher;
DROP FUNCTION IF EXISTS ledger_check_voucher_rules();
"""

# The balance check of migration 0003, which looks at each voucher an INSERT of entries
# touched, now also compares the entries' date and company with their voucher's.
PG_ENTRIES_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_check_vouchers_balance() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.voucher_id, n.total, n.lines,
           v.id IS NOT NULL AND v.state = 'posted' AND n.first_date = v.date
               AND n.last_date = v.date AND n.first_company = v.company_id
               AND n.last_company = v.company_id AS matches
      INTO bad
      FROM (SELECT voucher_id, SUM(amount_cents) AS total, COUNT(*) AS lines,
                   MIN(date) AS first_date, MAX(date) AS last_date,
                   MIN(company_id) AS first_company, MAX(company_id) AS last_company
              FROM inserted_entries GROUP BY voucher_id) n
      LEFT JOIN ledger_voucher v ON v.id = n.voucher_id
     WHERE n.total <> 0
        OR n.lines <> (SELECT COUNT(*) FROM ledger_entry e WHERE e.voucher_id = n.voucher_id)
        OR NOT (v.id IS NOT NULL AND v.state = 'posted' AND n.first_date = v.date
                AND n.last_date = v.date AND n.first_company = v.company_id
                AND n.last_company = v.company_id)
     LIMIT 1;
    IF FOUND AND bad.total <> 0 THEN
        RAISE EXCEPTION 'voucher % does not balance: its entries sum to % cents',
            bad.voucher_id, bad.total;
    ELSIF FOUND AND NOT bad.matches THEN
        RAISE EXCEPTION 'the entries of voucher % must be of a posted voucher, with its date and company',
            bad.voucher_id
            USING ERRCODE = 'check_violation';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'voucher % has entries already: a voucher''s entries are written once',
            bad.voucher_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Migration 0003's function, as it was.
PG_ENTRIES_BACKWARD = """
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
"""

# SQLite: one statement per trigger (the driver runs them one at a time).
_SQLITE_CHECKS = """
    SELECT RAISE(ABORT, 'a draft voucher has no number (it gets one when posted)')
     WHERE NEW.state <> 'posted' AND NEW.number IS NOT NULL;
    SELECT RAISE(ABORT, 'the voucher is dated in a locked period')
     WHERE NEW.state = 'posted' AND EXISTS (
           SELECT 1 FROM ledger_periodlock l
            WHERE l.company_id = NEW.company_id AND NEW.date <= l.locked_until);
    SELECT RAISE(ABORT, 'the voucher number is not the next in its series: numbers are gapless')
     WHERE NEW.number IS NOT NULL AND NEW.number <> 1 + COALESCE((
           SELECT MAX(p.number) FROM ledger_voucher p
            WHERE p.series_id = NEW.series_id AND p.fiscal_year_id = NEW.fiscal_year_id
              AND p.number IS NOT NULL AND p.id IS NOT NEW.id), 0);
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER ledger_voucher_rules_insert
    BEFORE INSERT ON ledger_voucher
    WHEN NEW.state = 'posted' OR NEW.number IS NOT NULL
    BEGIN {_SQLITE_CHECKS} END""",
    # An update that posts a draft, or that changes a number, a date or the state.
    f"""CREATE TRIGGER ledger_voucher_rules_update
    BEFORE UPDATE ON ledger_voucher
    WHEN (NEW.state = 'posted' OR NEW.number IS NOT NULL)
     AND (NEW.state IS NOT OLD.state OR NEW.number IS NOT OLD.number
          OR NEW.date IS NOT OLD.date OR NEW.series_id IS NOT OLD.series_id
          OR NEW.fiscal_year_id IS NOT OLD.fiscal_year_id OR NEW.company_id IS NOT OLD.company_id)
    BEGIN {_SQLITE_CHECKS} END""",
]

SQLITE_FORWARD.append(
    """CREATE TRIGGER ledger_entry_matches_voucher
    BEFORE INSERT ON ledger_entry
    BEGIN
    SELECT RAISE(ABORT, 'an entry must be of a posted voucher, with its date and company')
     WHERE NOT EXISTS (
           SELECT 1 FROM ledger_voucher v
            WHERE v.id = NEW.voucher_id AND v.state = 'posted' AND v.date = NEW.date
              AND v.company_id = NEW.company_id);
    END"""
)

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_entry_matches_voucher",
    "DROP TRIGGER IF EXISTS ledger_voucher_rules_update",
    "DROP TRIGGER IF EXISTS ledger_voucher_rules_insert",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            return
        # Without parameters, so the driver leaves the "%" of RAISE alone.
        with schema_editor.connection.cursor() as cursor:
            for sql in statements[vendor]:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_fixed_assets")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_FORWARD, PG_ENTRIES_FORWARD], "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": [PG_BACKWARD, PG_ENTRIES_BACKWARD], "sqlite": SQLITE_BACKWARD}),
        )
    ]
