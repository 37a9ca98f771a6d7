"""Bookkeeping benches on the configured database (SQLite or PostgreSQL).

`python -m bench ledger --n 1000000 [--runs 3]`: N vouchers of about three lines spread over
a year (default 2,000). The bench works in a scratch database of its own (a temporary SQLite
file, or a `<name>_bench` PostgreSQL database) that it migrates, fills and drops, so
every posting really commits. It prints, each a median of several runs where it says so:

- the database's own bulk load of the same lines (executemany / COPY) into a plain table, in
  one transaction: the issue's baseline;
- the database's own copy of the rows the import wrote into the ledger's tables (indexes,
  constraints, triggers and foreign keys included, no checks): the floor of any import;
- the CSV import of N vouchers through the service (every rule enforced), against both: the
  median of `--runs` imports of the file (default 3), each into a company of its own;
- posting through the service, one voucher per transaction, on one connection, after the
  database has settled from the bulk load (PostgreSQL VACUUM ANALYZE and CHECKPOINT, SQLite a
  WAL checkpoint; the time it took is printed);
- the trial balance, income statement and balance sheet for the year and for a month;
- the growth of the process's peak memory during the import (it streams the file);
- and it writes the imported entries, read back from the database, as an hledger journal
  (var/bench-ledger.journal) and checks `hledger balance` against our trial balance, timing it
  (`make bench` installs hledger when it can).

Run it once with DATABASE_URL unset (SQLite) and once with DATABASE_URL=postgres://… .
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench._scratch import Scratch

YEAR = 2026
ACCOUNTS = {
    "sales": ("3000", "S"),
    "sales_reduced": ("3010", "S-R"),
    "purchases": ("4000", "P"),
    "rent": ("7100", "P"),
    "bank": ("1910", ""),
    "payables": ("2870", ""),
    "receivables": ("1700", ""),
}


def _vouchers(count: int, seed: int = 11):
    """(key, date, series, [(account, debit, credit, vat)]) one at a time (flat memory)."""
    rng = random.Random(seed)
    start = dt.date(YEAR, 1, 1)
    for n in range(1, count + 1):
        day = start + dt.timedelta(days=(n * 365) // (count + 1))
        kind = n % 3
        a = Decimal(rng.randrange(1000, 500000)) / 100
        b = Decimal(rng.randrange(1000, 200000)) / 100
        if kind == 0:
            lines = [
                ("1700", a + b, None, ""),
                ("3000", None, a, "S"),
                ("3010", None, b, "S-R"),
            ]
            series = "ML"
        elif kind == 1:
            lines = [("4000", a, None, "P"), ("7100", b, None, "P"), ("2870", None, a + b, "")]
            series = "OL"
        else:
            lines = [("1910", a, None, ""), ("1700", None, a, "")]
            series = "TI"
        yield str(n), day, series, lines


def _write_csv(count: int, path: Path) -> None:
    """The import file of :func:`_vouchers`, written line by line (flat memory)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("voucher,date,series,account,debit,credit,vat_code,text,cost_centre,project\n")
        for key, day, series, lines in _vouchers(count):
            for account, debit, credit, vat in lines:
                out.write(
                    f"{key},{day.isoformat()},{series},{account},{debit or ''},{credit or ''},"
                    f"{vat},,,\n"
                )


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median(fn, runs: int = 5) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _company(name: str, business_id: str):
    from tase.core.models import Company, Organization
    from tase.ledger import services
    from tase.ledger.system import SystemActor

    vendor, _ = Organization.objects.get_or_create(name="Bench", kind="vendor")
    org = Organization.objects.create(name=name, kind="customer", vendor=vendor)
    company = Company.objects.create(organization=org, name=name, business_id=business_id)
    actor = SystemActor()
    services.apply_chart(actor, company, "limited-company")
    services.create_fiscal_year(
        actor, company, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31)
    )
    return company


def _baseline(count: int, vendor: str) -> float:
    """The database's own bulk load of the same number of lines into a plain table, in one
    transaction (in autocommit SQLite would commit every row)."""
    from django.db import connection, transaction

    rows = [
        (int(account), day, int((debit or -credit) * 100))
        for _key, day, _series, lines in _vouchers(count)
        for account, debit, credit, _vat in lines
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_lines (account integer, date date, amount bigint)")
        start = time.perf_counter()
        with transaction.atomic():  # one transaction, as a bulk load is (and as the import is)
            if vendor == "postgresql":
                with cursor.copy("COPY bench_lines (account, date, amount) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany("INSERT INTO bench_lines VALUES (%s, %s, %s)", rows)
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_lines")
    return elapsed


class _RollBack(Exception):
    pass


def _offset(model, source, target, key: str) -> int:
    """The id offset between ``source``'s and ``target``'s rows of ``model`` (a chart or
    the series, created in the same order for both), checked row by row on ``key``."""
    mine = list(model.objects.filter(company=source).order_by("id").values_list("id", key))
    twin = list(model.objects.filter(company=target).order_by("id").values_list("id", key))
    offset = twin[0][0] - mine[0][0]
    assert [(i + offset, k) for i, k in mine] == twin, f"{model.__name__} rows differ"
    return offset


def _floor(company) -> float:
    """The database's own bulk copy of the imported vouchers and entries into the ledger's
    tables, as another company: the same rows, the same indexes, constraints and triggers
    (which add the entries to the account balances, migration ledger 0014), no checks in
    Python. INSERT … SELECT with ids moved by a fixed offset (no joins),
    timed with the foreign keys checked as each statement ends (deferred, they would run at
    commit), then rolled back. This is the floor an import into these tables cannot go below,
    whatever checks it does."""
    from django.db import connection, transaction

    from tase.ledger.models import Account, Entry, Voucher, VoucherSeries

    vouchers, entries = Voucher._meta.db_table, Entry._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            twin = _company("Bench Floor Oy", "3456789-1")
            accounts = _offset(Account, company, twin, "number")
            series = _offset(VoucherSeries, company, twin, "code")
            year = twin.fiscal_years.get().pk - company.fiscal_years.get().pk
            cursor.execute(f"SELECT MAX(id) FROM {vouchers}")
            ids = cursor.fetchone()[0]
            start = time.perf_counter()
            if connection.vendor == "postgresql":  # the foreign keys' checks wait for commit
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"INSERT INTO {vouchers} (id, company_id, fiscal_year_id, series_id, number, "
                "date, description, state, source, source_ref, draft_lines, created_by_id, "
                "created_at, posted_at) "
                "SELECT id + %s, %s, fiscal_year_id + %s, series_id + %s, number, date, "
                "description, state, source, source_ref, draft_lines, created_by_id, "
                f"created_at, posted_at FROM {vouchers} WHERE company_id = %s",
                [ids, twin.pk, year, series, company.pk],
            )
            cursor.execute(
                f"INSERT INTO {entries} (voucher_id, company_id, account_id, date, amount_cents, "
                "vat_code, is_vat, vat_base_cents, cost_centre, project, text, position) "
                "SELECT voucher_id + %s, %s, account_id + %s, date, amount_cents, vat_code, "
                "is_vat, vat_base_cents, cost_centre, project, text, position "
                f"FROM {entries} WHERE company_id = %s",
                [ids, twin.pk, accounts, company.pk],
            )
            elapsed = time.perf_counter() - start
            raise _RollBack
    except _RollBack:
        pass
    return elapsed


def _settle(vendor: str) -> float:
    """Let the database finish the work a bulk load leaves behind, as it does in the
    background between an import and a day's posting, so that the posting rate measures
    posting: on PostgreSQL VACUUM ANALYZE (autovacuum's job: visibility map, statistics)
    and a CHECKPOINT; on SQLite a checkpoint that empties the write-ahead log, which holds
    every page the import wrote until then. Returns the seconds it took."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - start


def _hledger(company, year: tuple[dt.date, dt.date]) -> dict:
    """Write the company's posted entries as an hledger journal (streamed from the database)
    and, when hledger is installed, check its balances against our trial balance."""
    from tase.ledger import selectors
    from tase.ledger.models import Entry

    path = Path(os.environ.get("TASE_VAR_DIR", "var")) / "bench-ledger.journal"
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = (
        Entry.objects.filter(company=company)
        .order_by("voucher_id", "position")
        .values_list(
            "voucher_id", "date", "voucher__series__code", "account__number", "amount_cents"
        )
    )
    with path.open("w", encoding="utf-8") as out:
        current = None
        for voucher_id, day, series, account, cents in entries.iterator(chunk_size=20000):
            if voucher_id != current:
                out.write(f"\n{day.isoformat()} {series} {voucher_id}\n")
                current = voucher_id
            out.write(f"    a{account}  {Decimal(cents) / 100:.2f} EUR\n")
    if shutil.which("hledger") is None:
        return {"path": path, "seconds": None, "matches": "hledger not installed"}
    start = time.perf_counter()
    result = subprocess.run(
        ["hledger", "-f", str(path), "balance", "--flat", "-O", "csv", "--no-total"],
        capture_output=True,
        check=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    theirs = {}
    for row in csv.reader(io.StringIO(result.stdout)):
        if row and row[0].startswith("a") and row[0] != "account":
            theirs[row[0][1:]] = round(Decimal(row[1].replace("EUR", "").strip()) * 100)
    ours = {
        row.account.number: row.balance
        for row in selectors.trial_balance(company, *year)
        if row.balance
    }
    same = ours == {k: v for k, v in theirs.items() if v}
    return {
        "path": path,
        "seconds": seconds,
        "matches": f"{'same' if same else 'DIFFERENT'} balances on {len(ours)} accounts",
    }


def run(args) -> list[dict]:
    from django.db import connection

    from tase.ledger import selectors, services
    from tase.ledger.system import SystemActor

    count = getattr(args, "n", None) or 2000
    runs = max(getattr(args, "runs", None) or 3, 1)
    posts = min(count, 1000)
    rows: list[dict] = []
    with Scratch() as scratch, tempfile.TemporaryDirectory(prefix="tase-bench-") as tmp:
        vendor = scratch.vendor
        lines = sum(len(v[3]) for v in _vouchers(count))
        path = Path(tmp) / "vouchers.csv"
        _write_csv(count, path)
        # Each run imports the file into a company of its own, so later runs write into
        # tables that already hold the earlier ones (as an accounting office's database does).
        # The memory growth is the first run's: the peak of a process only grows.
        times, companies = [], []
        rss_before = _max_rss_mb()
        for run_number in range(runs):
            companies.append(_company(f"Bench Import {run_number + 1} Oy", "2345678-0"))
            start = time.perf_counter()
            with path.open("rb") as source:
                services.import_vouchers(SystemActor(), companies[-1], source)
            times.append(time.perf_counter() - start)
            if run_number == 0:
                rss_growth = _max_rss_mb() - rss_before
        company = companies[0]
        elapsed = statistics.median(times)
        baseline = statistics.median(_baseline(count, vendor) for _ in range(runs))
        # The floor is a median of as many runs as the import, so that the ratio of the two
        # compares like with like on a machine whose speed wanders.
        floor = statistics.median(_floor(company) for _ in range(runs))
        bulk = "COPY" if vendor == "postgresql" else "executemany"
        rows.append(
            {
                "scenario": f"database bulk load of the lines ({bulk}, median of {runs})",
                "db": vendor,
                "n": f"{lines:,} lines",
                "seconds": f"{baseline:.2f}",
                "rate": f"{lines / baseline:,.0f} lines/s",
                "target": "baseline",
            }
        )
        rows.append(
            {
                "scenario": "database copy of the imported rows into the ledger tables "
                f"(median of {runs})",
                "db": vendor,
                "n": f"{count:,} vouchers",
                "seconds": f"{floor:.2f}",
                "rate": f"{floor / baseline:.1f}x baseline",
                "target": "floor",
            }
        )
        rows.append(
            {
                "scenario": f"CSV import through the service, all rules (median of {runs})",
                "db": vendor,
                "n": f"{count:,} vouchers",
                "seconds": f"{elapsed:.2f}",
                "rate": f"{count / elapsed:,.0f} vouchers/s ({elapsed / baseline:.1f}x baseline, "
                f"{elapsed / floor:.1f}x floor)",
                "target": "≤ 3x floor",  # no import into these tables can beat the floor
            }
        )
        rows.append(
            {
                "scenario": "import: growth of the process's peak memory (first run)",
                "db": vendor,
                "n": f"{path.stat().st_size / 1e6:,.0f} MB file",
                "seconds": "",
                "rate": f"+{rss_growth:,.0f} MB",
                "target": "flat as N grows",
            }
        )
        settle = _settle(vendor)
        rows.append(
            {
                "scenario": "settle after the bulk load (VACUUM ANALYZE + CHECKPOINT / WAL checkpoint)",
                "db": vendor,
                "n": "",
                "seconds": f"{settle:.2f}",
                "rate": "",
                "target": "",
            }
        )
        poster = _company("Bench Posting Oy", "1572860-0")
        actor = SystemActor()
        rates = []
        for round_number in range(runs):
            vouchers = list(_vouchers(posts, seed=5 + round_number))
            start = time.perf_counter()
            for _key, day, series, vlines in vouchers:
                services.post_voucher(
                    actor,
                    poster,
                    date=day,
                    series=series,
                    description="bench",
                    lines=[
                        {"account": a, "debit": d, "credit": c, "vat_code": v or None}
                        for a, d, c, v in vlines
                    ],
                )
            rates.append(posts / (time.perf_counter() - start))
        rows.append(
            {
                "scenario": f"posting through the service, one transaction each (median of {runs})",
                "db": vendor,
                "n": f"{runs} x {posts:,} vouchers",
                "seconds": "",
                "rate": f"{statistics.median(rates):,.0f} vouchers/s",
                "target": "≥ 1,000/s SQLite, ≥ 400/s PostgreSQL",
            }
        )
        year = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        month = (dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 30))
        for label, (start_day, end_day) in (("year", year), ("month", month)):
            for name, fn in (
                (
                    "trial balance",
                    lambda s=start_day, e=end_day: selectors.trial_balance(company, s, e),
                ),
                (
                    "income statement",
                    lambda s=start_day, e=end_day: selectors.income_statement(company, s, e),
                ),
                ("balance sheet", lambda e=end_day: selectors.balance_sheet(company, e)),
            ):
                seconds = _median(fn)
                rows.append(
                    {
                        "scenario": f"{name}, {label} (median of 5, warm)",
                        "db": vendor,
                        "n": f"{count:,} vouchers",
                        "seconds": f"{seconds * 1000:.1f} ms",
                        "rate": "",
                        "target": "< 100 ms",
                    }
                )
        from tase.ledger import financial_statements

        def all_forms():
            for form in ("micro", "small", "full"):
                financial_statements.financial_statements(company, year[1], form=form)

        seconds = _median(all_forms)
        rows.append(
            {
                "scenario": "financial statements, micro + small + full, previous year beside "
                "(median of 5, warm)",
                "db": vendor,
                "n": f"{count:,} vouchers",
                "seconds": f"{seconds * 1000:.1f} ms",
                "rate": "",
                "target": "< 1 s",
            }
        )
        hledger = _hledger(company, year)
        rows.append(
            {
                "scenario": f"hledger balance of {hledger['path']} (written from the ledger)",
                "db": "hledger",
                "n": f"{count:,} vouchers",
                "seconds": f"{hledger['seconds']:.2f}" if hledger["seconds"] is not None else "",
                "rate": hledger["matches"],
                "target": "same as our trial balance",
            }
        )
        connection.close()
    return rows
