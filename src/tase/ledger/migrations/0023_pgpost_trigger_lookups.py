"""PostgreSQL: the ledger's statement triggers look rows up by index, whatever the statistics.

Posting slowed as a fiscal year filled (537 → 367 vouchers/s over the first 4,000, 77/s at
46,000, 20 → 2 ms a voucher), on PostgreSQL only. The triggers of migrations 0009, 0013 and
0016 are PL/pgSQL, which plans each query once per connection and keeps the plan while the
tables' statistics stay the same. A connection's first post plans them against the tables as
they were (new, never analysed: the planner guesses a few rows, and with autovacuum off or
behind, no ANALYZE ever tells it otherwise), and the plans chosen then scanned, per voucher:

- the gapless-number check (0009) found "number lo - 1" and "a number above hi" through the
  one-column index on ``series_id`` (or ``fiscal_year_id``) and filtered: every voucher of
  the series, of every year; the guesses tied its cost with the unique index (series, year,
  number) that answers both with one probe;
- the balance check (0009) joined the statement's vouchers to ``ledger_voucher`` by hash: a
  sequential scan of every voucher of every company;
- the company check of entries (0013) and the period-lock checks (0009, 0016) hashed all of
  ``ledger_account`` and ``ledger_periodlock``: every company's chart and lock.

The same checks, written so that no plan but the index look-up is cheaper at any size:

- each look-up of another table is a LATERAL sub-query with LIMIT 1 on the primary key or
  a unique key (a nested loop: a hash join is no longer one of the plans);
- the number below lo and the number above hi are read in number order (ORDER BY … LIMIT 1)
  with the range as the condition, which only the unique index (series, year, number) gives
  without sorting the series; "lo - 1 exists" is "the greatest number below lo is lo - 1"
  (numbers are unique).

What the triggers refuse is unchanged (tests/ledger/test_db_posting_rules.py,
test_entry_account_company.py, test_db_lock_balances.py); SQLite's row triggers were never
affected. ``python -m bench._posting_slope`` measures the rate as a year fills.
"""

import re
from importlib import import_module

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
      FROM (SELECT company_id, MIN(date) AS first_date FROM new_vouchers
             WHERE state = 'posted' GROUP BY company_id) c
     CROSS JOIN LATERAL (
           SELECT l.locked_until FROM ledger_periodlock l
            WHERE l.company_id = c.company_id LIMIT 1) l
      JOIN new_vouchers v ON v.company_id = c.company_id AND v.state = 'posted'
                         AND v.date <= l.locked_until
     WHERE c.first_date <= l.locked_until
     LIMIT 1;
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
        OR (g.lo > 1 AND g.lo - 1 IS DISTINCT FROM (
               SELECT p.number FROM ledger_voucher p WHERE p.series_id = g.series_id
                  AND p.fiscal_year_id = g.fiscal_year_id AND p.number < g.lo
                ORDER BY p.number DESC LIMIT 1))
        OR (SELECT p.number FROM ledger_voucher p WHERE p.series_id = g.series_id
               AND p.fiscal_year_id = g.fiscal_year_id AND p.number > g.hi
             ORDER BY p.number LIMIT 1) IS NOT NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'voucher numbers % to % of series % in fiscal year % are not the next in sequence: numbers are gapless',
            bad.lo, bad.hi, bad.series_id, bad.fiscal_year_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

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
      LEFT JOIN LATERAL (
           SELECT v.id, v.state, v.date, v.company_id FROM ledger_voucher v
            WHERE v.id = n.voucher_id LIMIT 1) v ON true
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

CREATE OR REPLACE FUNCTION ledger_check_entry_account_company() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.voucher_id, e.account_id, e.company_id, a.company_id AS account_company INTO bad
      FROM (SELECT account_id, company_id, MIN(voucher_id) AS voucher_id FROM new_entries
             GROUP BY account_id, company_id) e
     CROSS JOIN LATERAL (
           SELECT a.company_id FROM ledger_account a WHERE a.id = e.account_id LIMIT 1) a
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

CREATE OR REPLACE FUNCTION ledger_check_entries_unlocked() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.voucher_id, e.date, l.locked_until INTO bad
      FROM (SELECT company_id, MIN(date) AS first_date FROM new_entries GROUP BY company_id) c
     CROSS JOIN LATERAL (
           SELECT l.locked_until FROM ledger_periodlock l
            WHERE l.company_id = c.company_id LIMIT 1) l
      JOIN new_entries e ON e.company_id = c.company_id AND e.date <= l.locked_until
     WHERE c.first_date <= l.locked_until
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'an entry of voucher % is dated %, in the period locked until %',
            bad.voucher_id, bad.date, bad.locked_until
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _functions(sql: str, *names: str) -> str:
    """The CREATE OR REPLACE FUNCTION statements of ``names`` in an earlier migration's SQL."""
    found = []
    for name in names:
        match = re.search(
            rf"CREATE OR REPLACE FUNCTION {name}\(\).*?\$\$ LANGUAGE plpgsql;", sql, re.DOTALL
        )
        assert match, name
        found.append(match.group(0))
    return "\n".join(found)


def _earlier(migration: str):
    return import_module(f"tase.ledger.migrations.{migration}")


# The functions as migrations 0009, 0013 and 0016 left them.
PG_BACKWARD = "\n".join(
    [
        _functions(_earlier("0009_db_posting_rules").PG_FORWARD, "ledger_check_voucher_rules"),
        _functions(
            _earlier("0009_db_posting_rules").PG_ENTRIES_FORWARD, "ledger_check_vouchers_balance"
        ),
        _functions(
            _earlier("0013_trustfix_entry_account_company").PG_FORWARD,
            "ledger_check_entry_account_company",
        ),
        _functions(
            _earlier("0016_trust_lock_and_balances").PG_FORWARD, "ledger_check_entries_unlocked"
        ),
    ]
)

# Runs each vendor's statements without parameters (migration 0009's helper).
_run = _earlier("0009_db_posting_rules")._run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0022_fs5_statement_book_gross")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": [PG_FORWARD]}), _run({"postgresql": [PG_BACKWARD]})
        )
    ]
